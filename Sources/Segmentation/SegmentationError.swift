/// Why a segmentation could not run: a parameter or an input image that the algorithms reject.
///
/// Each case names the field at fault and the value it had, so the command line can show
/// the message as it is.
///
///     do { _ = try SLIC(segments: 0).segment(image) }
///     catch let error as SegmentationError { print(error) }   // "SLIC: segments is 0; ..."
public enum SegmentationError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A parameter of `algorithm` is out of its documented range.
  case invalidParameter(algorithm: String, field: String, value: String, expected: String)
  /// The image has a channel count the algorithm does not accept.
  case unsupportedChannelCount(algorithm: String, channels: Int, expected: String)
  /// A label map and an image (or two maps) that must have the same size do not.
  case sizeMismatch(field: String, width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)

  public var description: String {
    switch self {
    case .invalidParameter(let algorithm, let field, let value, let expected):
      "\(algorithm): \(field) is \(value); expected \(expected)."
    case .unsupportedChannelCount(let algorithm, let channels, let expected):
      "\(algorithm): the image has \(channels) channels; expected \(expected)."
    case .sizeMismatch(let field, let width, let height, let expectedWidth, let expectedHeight):
      "\(field) is \(width)x\(height) pixels; expected \(expectedWidth)x\(expectedHeight)."
    }
  }
}
