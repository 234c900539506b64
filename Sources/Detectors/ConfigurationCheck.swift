/// Range checks of values read from a model folder's `config.json`, each failure a
/// ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the file and the key.
package struct ConfigurationCheck: Sendable {
  /// The file the values came from.
  package var file: String
  /// Prepended to every key in errors (`"training."`).
  package var prefix: String = ""

  package init(file: String, prefix: String = "") {
    self.file = file
    self.prefix = prefix
  }

  package func fail(_ key: String, _ value: String, allowed: String) -> DetectorsError {
    DetectorsError.invalidValue(file: file, key: prefix + key, value: value, allowed: allowed)
  }

  /// `value` is in `range`.
  package func integer(_ key: String, _ value: Int, in range: ClosedRange<Int>) throws {
    guard range.contains(value) else {
      throw fail(key, "\(value)", allowed: "\(range.lowerBound) to \(range.upperBound)")
    }
  }

  /// `value` is finite and in `range`.
  package func number(_ key: String, _ value: Double, in range: ClosedRange<Double>) throws {
    guard value.isFinite, range.contains(value) else {
      throw fail(key, "\(value)", allowed: "\(range.lowerBound) to \(range.upperBound)")
    }
  }

  /// A list of `count` in `counts` integers, each in `range`.
  package func integers(
    _ key: String, _ values: [Int], count counts: ClosedRange<Int>, in range: ClosedRange<Int>
  ) throws {
    guard counts.contains(values.count) else {
      throw fail(
        key, "\(values)",
        allowed: "\(counts.lowerBound) to \(counts.upperBound) values")
    }
    for value in values { try integer(key, value, in: range) }
  }

  /// A list of `count` in `counts` finite numbers, each in `range`.
  package func numbers(
    _ key: String, _ values: [Float], count counts: ClosedRange<Int>, in range: ClosedRange<Double>
  ) throws {
    guard counts.contains(values.count) else {
      throw fail(
        key, "\(values)",
        allowed: "\(counts.lowerBound) to \(counts.upperBound) values")
    }
    for value in values { try number(key, Double(value), in: range) }
  }

  /// One of `choices`.
  package func choice(_ key: String, _ value: String, in choices: [String]) throws {
    guard choices.contains(value) else {
      throw fail(key, "\"\(value)\"", allowed: choices.joined(separator: ", "))
    }
  }

  /// A non-empty class list with distinct names and category ids.
  package func classes(_ classes: [DetectorClass]) throws {
    guard (1...10_000).contains(classes.count) else {
      throw fail("classes", "\(classes.count) classes", allowed: "1 to 10000 classes")
    }
    guard Set(classes.map(\.name)).count == classes.count else {
      throw fail("classes", "\(classes.map(\.name))", allowed: "distinct names")
    }
    guard Set(classes.map(\.categoryID)).count == classes.count else {
      throw fail("classes", "category ids \(classes.map(\.categoryID))", allowed: "distinct ids")
    }
  }
}
