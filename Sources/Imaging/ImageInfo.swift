import CVips
import Foundation

/// What an image file's header says, read without decoding the pixels.
///
/// Used to list a folder of images quickly (`regionkit info`, plain-folder datasets): libvips
/// reads only the header, so a 100-megapixel JPEG costs the same as a thumbnail.
///
///     let info = try ImageInfo.read(contentsOf: url)
///     print(info.format, info.uprightWidth, info.uprightHeight)   // "jpeg 4000 3000"
public struct ImageInfo: Sendable, Hashable {
  /// Columns as stored in the file, in pixels (before EXIF orientation).
  public let width: Int
  /// Rows as stored in the file, in pixels (before EXIF orientation).
  public let height: Int
  /// Samples per pixel as stored, alpha included (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA or
  /// CMYK, ...).
  public let bands: Int
  /// The decoder's format name, from libvips' loader: `"jpeg"`, `"png"`, `"webp"`, `"tiff"`,
  /// `"gif"`, ...
  public let format: String
  /// Bits per decoded sample: 8, 16, 32, 64 or 128 (palette and 1-bit images decode to 8).
  public let bitsPerSample: Int
  /// Whether the last band is alpha.
  public let hasAlpha: Bool
  /// EXIF orientation, 1...8 (1 = upright, 6 = rotate 90° clockwise to display); 1 when the
  /// file has no tag.
  public let orientation: Int

  /// Creates a header description (mainly for tests; use ``read(contentsOf:decoding:)`` on files).
  ///
  /// - Parameters:
  ///   - width: stored columns, in pixels.
  ///   - height: stored rows, in pixels.
  ///   - bands: samples per pixel, alpha included.
  ///   - format: the format name, e.g. `"jpeg"`.
  ///   - bitsPerSample: bits per decoded sample.
  ///   - hasAlpha: whether the last band is alpha.
  ///   - orientation: EXIF orientation, 1...8.
  public init(
    width: Int, height: Int, bands: Int, format: String, bitsPerSample: Int, hasAlpha: Bool,
    orientation: Int
  ) {
    self.width = width
    self.height = height
    self.bands = bands
    self.format = format
    self.bitsPerSample = bitsPerSample
    self.hasAlpha = hasAlpha
    self.orientation = orientation
  }

  /// Whether displaying the image swaps width and height (orientations 5 to 8).
  public var isTransposed: Bool { (5...8).contains(orientation) }

  /// Width after EXIF orientation: what ``Image/init(contentsOf:maxSide:pixelLimit:decoding:)`` returns
  /// without `maxSide`.
  public var uprightWidth: Int { isTransposed ? height : width }

  /// Height after EXIF orientation.
  public var uprightHeight: Int { isTransposed ? width : height }

  /// Reads an image file's header.
  ///
  /// - Parameters:
  ///   - url: a file URL.
  ///   - decoding: the formats accepted (a text file or an SVG is refused by default).
  ///     Default: ``ImageDecoding/strict``.
  /// - Returns: the header's size, bands, format, sample depth, alpha and orientation.
  /// - Throws: ``ImagingError`` naming the file: `.fileNotFound`, `.emptyFile`,
  ///   `.unsupported` (not an accepted image format), `.undecodable` or `.truncated`
  ///   (the header itself is damaged). A file whose pixels are damaged may read fine here
  ///   and fail to load.
  /// - Complexity: O(header size); the pixels are not decoded.
  public static func read(contentsOf url: URL, decoding: ImageDecoding = .strict)
    throws(ImagingError) -> ImageInfo
  {
    let path = url.path
    try Image.checkReadable(path: path)
    try VipsRuntime.start()
    return try VipsRuntime.run { () throws(ImagingError) in
      let image = try VipsDecoder.openHeader(.file(path: path), name: path, decoding: decoding)
      defer { VipsRuntime.release(image) }
      return info(of: image)
    }
  }

  private static func info(of image: VipsImagePointer) -> ImageInfo {
    ImageInfo(
      width: Int(vips_image_get_width(image)),
      height: Int(vips_image_get_height(image)),
      bands: Int(vips_image_get_bands(image)),
      format: formatName(of: image),
      bitsPerSample: bits(of: vips_image_get_format(image)),
      hasAlpha: vips_image_hasalpha(image) != 0,
      orientation: Int(vips_image_get_orientation(image)))
  }

  /// `"jpegload_source"` → `"jpeg"`; `"unknown"` when libvips did not record its loader.
  private static func formatName(of image: VipsImagePointer) -> String {
    var loader: UnsafePointer<CChar>?
    guard vips_image_get_typeof(image, "vips-loader") != 0,
      vips_image_get_string(image, "vips-loader", &loader) == 0, let loader
    else { return "unknown" }
    let name = String(cString: loader)
    if let range = name.range(of: "load") { return String(name[..<range.lowerBound]) }
    return name
  }

  private static func bits(of format: VipsBandFormat) -> Int {
    switch format {
    case VIPS_FORMAT_UCHAR, VIPS_FORMAT_CHAR: 8
    case VIPS_FORMAT_USHORT, VIPS_FORMAT_SHORT: 16
    case VIPS_FORMAT_UINT, VIPS_FORMAT_INT, VIPS_FORMAT_FLOAT: 32
    case VIPS_FORMAT_DOUBLE, VIPS_FORMAT_COMPLEX: 64
    case VIPS_FORMAT_DPCOMPLEX: 128
    default: 0
    }
  }
}
