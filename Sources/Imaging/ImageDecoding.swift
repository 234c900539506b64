/// What ``Image/init(contentsOf:maxSide:pixelLimit:decoding:)`` accepts: which file formats,
/// and whether libvips' warnings fail a decode.
///
/// The default is strict: photographic formats only (JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF),
/// and a warning during decoding (a corrupt JPEG segment, bytes after the end of the data, a
/// bad PNG chunk) is an error, so a damaged file never turns into an image with grey rows.
/// libvips also reads text matrices, CSV, SVG, PDF and more: a text file or a drawing named
/// `.jpg` would otherwise "decode". Allow them explicitly when a pipeline wants them.
///
///     let strict = try Image(contentsOf: url)                        // the default
///     let drawing = try Image(
///       contentsOf: svgURL, decoding: ImageDecoding(formats: [.svg]))
///     let anything = try Image(contentsOf: url, decoding: .lenient)
public struct ImageDecoding: Sendable, Hashable {
  /// The formats accepted. Default: ``ImageFormat/photographic``.
  public var formats: Set<ImageFormat>
  /// Whether a libvips warning during decoding is an error. Default: `true`.
  public var failsOnWarnings: Bool

  /// Creates decoding options.
  ///
  /// - Parameters:
  ///   - formats: The formats accepted. Default: ``ImageFormat/photographic``.
  ///   - failsOnWarnings: Whether a libvips warning fails the decode. Default: `true`.
  public init(formats: Set<ImageFormat> = ImageFormat.photographic, failsOnWarnings: Bool = true) {
    self.formats = formats
    self.failsOnWarnings = failsOnWarnings
  }

  /// Photographic formats, warnings are errors.
  public static let strict = ImageDecoding()

  /// Every format libvips reads; only errors (truncation, corrupt data) fail, warnings do not.
  public static let lenient = ImageDecoding(
    formats: Set(ImageFormat.allCases), failsOnWarnings: false)
}
