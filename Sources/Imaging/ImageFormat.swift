/// An encoded-image format libvips can read, named after its loader.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case jpeg, png, webp, tiff, gif
  /// HEIF and AVIF (libvips' `heifload`).
  case heif
  case jpeg2000, jpegXL
  case svg, pdf
  /// Netpbm PPM, PGM, PBM and PFM.
  case ppm
  /// libvips' text matrix format.
  case matrix
  case csv
  /// Radiance HDR.
  case radiance
  case fits, openexr
  /// libvips' own `.v` format.
  case vips
  /// Analyze 7.5 medical images.
  case analyze
  /// MATLAB `.mat` files.
  case matlab
  case openslide
  /// Anything ImageMagick reads.
  case magick
  /// Raw pixel data.
  case raw

  /// The formats of photographs and ordinary image files: JPEG, PNG, WebP, TIFF, GIF and
  /// HEIF/AVIF.
  public static let photographic: Set<ImageFormat> = [.jpeg, .png, .webp, .tiff, .gif, .heif]

  /// The format a libvips loader reads, from its nickname (`"jpegload_source"` → `.jpeg`), or
  /// `nil` for a loader this list does not know.
  ///
  /// - Parameter loader: A libvips loader nickname.
  public init?(loader: String) {
    let stem = loader.range(of: "load").map { String(loader[..<$0.lowerBound]) } ?? loader
    let byStem: [String: ImageFormat] = [
      "jpeg": .jpeg, "png": .png, "webp": .webp, "tiff": .tiff, "gif": .gif, "heif": .heif,
      "jp2k": .jpeg2000, "jxl": .jpegXL, "svg": .svg, "pdf": .pdf, "ppm": .ppm,
      "matrix": .matrix, "csv": .csv, "rad": .radiance, "fits": .fits, "openexr": .openexr,
      "vips": .vips, "analyze": .analyze, "mat": .matlab, "openslide": .openslide,
      "magick": .magick, "raw": .raw,
    ]
    guard let format = byStem[stem] else { return nil }
    self = format
  }

  /// The name users know: `JPEG`, `PNG`, `HEIF/AVIF`, ...
  public var description: String {
    switch self {
    case .jpeg: "JPEG"
    case .png: "PNG"
    case .webp: "WebP"
    case .tiff: "TIFF"
    case .gif: "GIF"
    case .heif: "HEIF/AVIF"
    case .jpeg2000: "JPEG 2000"
    case .jpegXL: "JPEG XL"
    case .svg: "SVG"
    case .pdf: "PDF"
    case .ppm: "PPM"
    case .matrix: "libvips matrix (text)"
    case .csv: "CSV"
    case .radiance: "Radiance HDR"
    case .fits: "FITS"
    case .openexr: "OpenEXR"
    case .vips: "libvips .v"
    case .analyze: "Analyze"
    case .matlab: "MATLAB"
    case .openslide: "OpenSlide"
    case .magick: "ImageMagick"
    case .raw: "raw"
    }
  }
}
