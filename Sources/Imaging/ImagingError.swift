/// Errors of the Imaging module: every case names the file (or the data's name) at fault.
///
/// Decoding errors carry libvips' own message in `reason`, copied from `vips_error_buffer()`
/// right after the failing call, so a user sees both which file failed and why.
///
///     do {
///       let image = try Image(contentsOf: url)
///     } catch let error as ImagingError {
///       print(error)  // "photo.jpg is truncated: VipsJpeg: Premature end of JPEG file"
///     }
public enum ImagingError: Error, CustomStringConvertible, Equatable, Sendable {
  /// No file exists at `file`.
  case fileNotFound(file: String)
  /// The file (or data) holds zero bytes.
  case emptyFile(file: String)
  /// The bytes are in no format libvips can read, or in a sample layout RegionKit does not
  /// convert (e.g. complex samples); `reason` says which.
  case unsupported(file: String, reason: String)
  /// libvips recognised the format but could not decode the image.
  case undecodable(file: String, reason: String)
  /// The file ends before the image data does (a partial download, a cut copy).
  case truncated(file: String, reason: String)
  /// The image has more than `limit` pixels and no `maxSide` was given to shrink it on load.
  case tooLarge(file: String, width: Int, height: Int, limit: Int)
  /// Writing `file` failed.
  case cannotWrite(file: String, reason: String)
  /// Encoding the image as `format` failed.
  case cannotEncode(format: String, reason: String)
  /// libvips could not render the label `text` (e.g. no usable font).
  case cannotRenderText(text: String, reason: String)
  /// libvips could not start (`VIPS_INIT` failed).
  case libraryUnavailable(reason: String)
  /// A decoding argument for `file` is out of range (`maxSide` of 0, ...).
  case invalidArgument(file: String, argument: String, value: String, allowed: String)

  public var description: String {
    switch self {
    case .fileNotFound(let file):
      "\(file): no such file."
    case .emptyFile(let file):
      "\(file) is empty (0 bytes)."
    case .unsupported(let file, let reason):
      "\(file) is not in a supported image format: \(reason)"
    case .undecodable(let file, let reason):
      "\(file) could not be decoded: \(reason)"
    case .truncated(let file, let reason):
      "\(file) is truncated: \(reason)"
    case .tooLarge(let file, let width, let height, let limit):
      "\(file) is \(width)x\(height) = \(width * height) pixels, over the limit of \(limit) pixels; pass maxSide to shrink it on load."
    case .cannotWrite(let file, let reason):
      "\(file) could not be written: \(reason)"
    case .cannotEncode(let format, let reason):
      "the image could not be encoded as \(format): \(reason)"
    case .cannotRenderText(let text, let reason):
      "the label \"\(text)\" could not be rendered: \(reason)"
    case .libraryUnavailable(let reason):
      "libvips could not start: \(reason)"
    case .invalidArgument(let file, let argument, let value, let allowed):
      "\(file): \(argument) is \(value); allowed: \(allowed)."
    }
  }
}
