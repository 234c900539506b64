/// Why an edge detector could not run: a parameter out of its documented range.
///
///     do { _ = try CannyEdgeDetector(lowThreshold: 0.5, highThreshold: 0.1).edges(in: image) }
///     catch let error as EdgesError { print(error) }
public enum EdgesError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A parameter of `detector` is out of range.
  case invalidParameter(detector: String, field: String, value: String, expected: String)

  public var description: String {
    switch self {
    case .invalidParameter(let detector, let field, let value, let expected):
      "\(detector): \(field) is \(value); expected \(expected)."
    }
  }
}
