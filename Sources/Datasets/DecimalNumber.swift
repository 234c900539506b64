/// Strict parsing of the decimal numbers of annotation files.
///
/// Swift's `Double("0x10")` is 16 and `Double("nan")` is NaN; an annotation coordinate is
/// neither. Accepted: an optional sign, digits with an optional fraction (`12`, `-3.5`, `.5`,
/// `7.`), an optional exponent (`1e3`), surrounding whitespace.
enum DecimalNumber {
  /// The value of `text` when it is a plain decimal number, else `nil`.
  static func parse(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    var digits = 0
    var index = trimmed.startIndex
    func skipDigits() -> Int {
      var count = 0
      while index < trimmed.endIndex, trimmed[index].isASCII, trimmed[index].isNumber {
        trimmed.formIndex(after: &index)
        count += 1
      }
      return count
    }
    if index < trimmed.endIndex, "+-".contains(trimmed[index]) { trimmed.formIndex(after: &index) }
    digits += skipDigits()
    if index < trimmed.endIndex, trimmed[index] == "." {
      trimmed.formIndex(after: &index)
      digits += skipDigits()
    }
    guard digits > 0 else { return nil }
    if index < trimmed.endIndex, "eE".contains(trimmed[index]) {
      trimmed.formIndex(after: &index)
      if index < trimmed.endIndex, "+-".contains(trimmed[index]) {
        trimmed.formIndex(after: &index)
      }
      guard skipDigits() > 0 else { return nil }
    }
    guard index == trimmed.endIndex, let value = Double(trimmed), value.isFinite else {
      return nil
    }
    return value
  }
}
