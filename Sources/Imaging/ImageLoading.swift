import Foundation

extension Image {
  /// The most pixels (width x height, 100 megapixels) an image may have to be loaded at full
  /// size. Larger images need `maxSide`, which shrinks them while decoding.
  ///
  /// 100 MP is a 12 000 x 8 300 photo; as RGB Float32 it takes 1.2 GB, which is about the
  /// most a proposal pipeline should hold for one image. Raise it per call with `pixelLimit`.
  public static let defaultPixelLimit = 100_000_000

  /// Decodes an image file into 3-channel RGB with values in [0, 1].
  ///
  /// By default (``ImageDecoding/strict``) only JPEG, PNG, WebP, TIFF, GIF (the first frame)
  /// and HEIF/AVIF files are read, and a libvips warning while decoding is an error;
  /// `decoding` widens both. The result is always upright, 3-channel, 8- or 16-bit samples scaled to
  /// [0, 1]:
  /// - EXIF orientation is applied (`vips_autorot`), so `width` and `height` are the upright
  ///   ones;
  /// - grey images are replicated into R, G and B;
  /// - alpha is flattened onto white (a fully transparent pixel becomes `1, 1, 1`);
  /// - 16-bit samples are divided by 65535, 8-bit ones by 255;
  /// - CMYK is converted to sRGB through the embedded ICC profile, or libvips' built-in CMYK
  ///   profile when there is none; Lab, XYZ, scRGB and other colour spaces through
  ///   `vips_colourspace`.
  ///
  /// Truncated and corrupt files are errors, never grey images: libvips decodes
  /// sequentially with `fail_on = error`, and JPEG, PNG and WebP data must reach the end of
  /// their container structure.
  ///
  ///     let image = try Image(contentsOf: URL(fileURLWithPath: "photo.jpg"), maxSide: 1024)
  ///     print(image.width, image.height)   // at most 1024 on the longer side
  ///
  /// - Parameters:
  ///   - url: a file URL.
  ///   - maxSide: the longest side of the result, in pixels, or `nil` for full size. Larger
  ///     images shrink while decoding (JPEG decodes at 1/2, 1/4 or 1/8 scale, PNG and TIFF
  ///     rows stream through `vips_thumbnail_image`), so memory stays bounded by the result's
  ///     size; WebP and GIF decoders hold the whole frame. Smaller images are never
  ///     enlarged. Must be at least 1.
  ///     Default: `nil`.
  ///   - pixelLimit: when `maxSide` is `nil`, the most pixels (width x height) the file may
  ///     hold. Default: ``defaultPixelLimit`` (100 megapixels).
  ///   - decoding: the formats accepted and whether warnings fail. Default:
  ///     ``ImageDecoding/strict``.
  /// - Throws: ``ImagingError`` naming the file: `.fileNotFound`, `.emptyFile`,
  ///   `.unsupported` (not an accepted image format), `.truncated`, `.undecodable`
  ///   (libvips' message, warnings included when strict), `.tooLarge`, `.invalidArgument`
  ///   (`maxSide` below 1).
  /// - Complexity: O(pixels of the result) time and memory, plus the decoder's streaming
  ///   buffers.
  ///
  /// Reference: libvips `vips_thumbnail_image`, `vips_autorot`, `vips_icc_transform`,
  /// <https://www.libvips.org/API/current/>.
  public init(
    contentsOf url: URL, maxSide: Int? = nil, pixelLimit: Int = Image.defaultPixelLimit,
    decoding: ImageDecoding = .strict
  ) throws(ImagingError) {
    let path = url.path
    try Self.checkArguments(maxSide: maxSide, pixelLimit: pixelLimit, name: path)
    try Self.checkReadable(path: path)
    if let mapped = try? Data(contentsOf: url, options: .alwaysMapped) {
      try Self.checkComplete(mapped, name: path)
    }
    self = try VipsRuntime.run { () throws(ImagingError) in
      try VipsDecoder.decode(
        .file(path: path), name: path, maxSide: maxSide, pixelLimit: pixelLimit,
        decoding: decoding)
    }
  }

  /// Decodes an encoded image held in memory (the bytes of a JPEG, PNG, WebP, TIFF or GIF
  /// file) into 3-channel RGB with values in [0, 1].
  ///
  /// Same conversions and errors as ``init(contentsOf:maxSide:pixelLimit:decoding:)``; `name` stands in
  /// for the file name in errors.
  ///
  ///     let data = try Data(contentsOf: url)
  ///     let image = try Image(data: data, name: "upload-17")
  ///
  /// - Parameters:
  ///   - data: the encoded bytes.
  ///   - name: how errors name the data (e.g. a file name or URL).
  ///   - maxSide: the longest side of the result, in pixels, or `nil` for full size.
  ///     Must be at least 1. Default: `nil`.
  ///   - pixelLimit: when `maxSide` is `nil`, the most pixels the image may hold.
  ///     Default: ``defaultPixelLimit``.
  ///   - decoding: the formats accepted and whether warnings fail. Default:
  ///     ``ImageDecoding/strict``.
  /// - Throws: ``ImagingError`` naming `name`: `.emptyFile`, `.unsupported`, `.truncated`,
  ///   `.undecodable`, `.tooLarge`, `.invalidArgument`.
  /// - Complexity: O(pixels of the result).
  public init(
    data: Data, name: String, maxSide: Int? = nil, pixelLimit: Int = Image.defaultPixelLimit,
    decoding: ImageDecoding = .strict
  ) throws(ImagingError) {
    try Self.checkArguments(maxSide: maxSide, pixelLimit: pixelLimit, name: name)
    if data.isEmpty { throw .emptyFile(file: name) }
    try Self.checkComplete(data, name: name)
    let decoded: Result<Image, ImagingError> = data.withUnsafeBytes { bytes in
      Result { () throws(ImagingError) -> Image in
        try VipsRuntime.run { () throws(ImagingError) in
          try VipsDecoder.decode(
            .memory(bytes), name: name, maxSide: maxSide, pixelLimit: pixelLimit,
            decoding: decoding)
        }
      }
    }
    self = try decoded.get()
  }

  /// Throws `.invalidArgument` for a `maxSide` or `pixelLimit` below 1.
  static func checkArguments(maxSide: Int?, pixelLimit: Int, name: String) throws(ImagingError) {
    if let maxSide, maxSide < 1 {
      throw .invalidArgument(
        file: name, argument: "maxSide", value: "\(maxSide)", allowed: "1 or more")
    }
    if pixelLimit < 1 {
      throw .invalidArgument(
        file: name, argument: "pixelLimit", value: "\(pixelLimit)", allowed: "1 or more")
    }
  }

  /// Throws `.truncated` for JPEG, PNG or WebP data that ends before its structure does,
  /// which libvips does not always report (see `TruncationCheck`).
  static func checkComplete(_ data: Data, name: String) throws(ImagingError) {
    let truncated = data.withUnsafeBytes { TruncationCheck.isTruncated($0) }
    if truncated {
      throw .truncated(file: name, reason: "the data ends before the end of the image")
    }
  }

  /// Throws `.fileNotFound` or `.emptyFile` before libvips sees the path, so those two common
  /// mistakes get their own errors rather than a decoder message.
  static func checkReadable(path: String) throws(ImagingError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    else { throw .fileNotFound(file: path) }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if size == 0 { throw .emptyFile(file: path) }
  }
}
