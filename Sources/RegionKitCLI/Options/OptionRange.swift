import ArgumentParser

/// Range checks of option values for `validate()`: each failure is a `ValidationError` naming
/// the option, the value given and the range allowed.
enum OptionRange {
  /// `value` (when given) is in `range`.
  static func check<T: Comparable>(_ option: String, _ value: T?, in range: ClosedRange<T>)
    throws
  {
    guard let value else { return }
    guard range.contains(value) else {
      throw ValidationError(
        "\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }
  }

  /// `value` (when given) is finite (scores and thresholds with no natural bounds).
  static func checkFinite(_ option: String, _ value: Float?) throws {
    guard let value else { return }
    guard value.isFinite else {
      throw ValidationError("\(option) must be a finite number, got \(value)")
    }
  }

  /// `value` (when given) is finite and in `range`.
  static func check(_ option: String, _ value: Float?, in range: ClosedRange<Float>) throws {
    guard let value else { return }
    guard value.isFinite, range.contains(value) else {
      throw ValidationError(
        "\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }
  }
}
