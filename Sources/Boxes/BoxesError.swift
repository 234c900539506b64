/// Errors the Boxes module reports for input that comes from outside the program (image and
/// feature-map sizes, anchor sizes and ratios). Programmer errors, such as box and score arrays of different lengths,
/// stop with a precondition instead.
public enum BoxesError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A size that must be positive is zero or negative.
  ///
  /// - Parameters:
  ///   - field: The parameter's name, e.g. `imageHeight`.
  ///   - value: The value given.
  case invalidSize(field: String, value: Int)

  /// A parameter of an initialiser is outside the values it allows.
  ///
  /// - Parameters:
  ///   - type: The type being created, e.g. `AnchorGenerator`.
  ///   - field: The parameter's name, e.g. `sizes`.
  ///   - value: The value given, as text.
  ///   - expected: What the parameter allows.
  case invalidParameter(type: String, field: String, value: String, expected: String)

  /// The feature map has more rows or columns than the image, so the stride would be 0.
  case featureMapLargerThanImage(
    featureHeight: Int, featureWidth: Int, imageHeight: Int, imageWidth: Int)

  /// One sentence naming the field and the value at fault.
  public var description: String {
    switch self {
    case .invalidSize(let field, let value):
      "AnchorGenerator.anchors: \"\(field)\" must be positive, got \(value)"
    case .invalidParameter(let type, let field, let value, let expected):
      "\(type): \(field) is \(value), expected \(expected)"
    case .featureMapLargerThanImage(
      let featureHeight, let featureWidth, let imageHeight, let imageWidth):
      "AnchorGenerator.anchors: the feature map (\(featureHeight) x \(featureWidth)) is larger "
        + "than the image (\(imageHeight) x \(imageWidth)), so its stride would be 0"
    }
  }
}
