/// Why an edge detector could not run: a parameter out of its documented range.
///
///     do { _ = try CannyEdgeDetector(lowThreshold: 0.5, highThreshold: 0.1).edges(in: image) }
///     catch let error as EdgesError { print(error) }
public enum EdgesError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A parameter of `detector` is out of range.
  case invalidParameter(detector: String, field: String, value: String, expected: String)
  /// The image has a channel count the detector does not accept.
  case unsupportedChannelCount(detector: String, channels: Int, expected: String)

  public var description: String {
    switch self {
    case .invalidParameter(let detector, let field, let value, let expected):
      "\(detector): \(field) is \(value); expected \(expected)."
    case .unsupportedChannelCount(let detector, let channels, let expected):
      "\(detector): the image has \(channels) channels; expected \(expected)."
    }
  }
}
