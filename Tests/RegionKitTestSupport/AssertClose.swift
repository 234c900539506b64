/// `|got - expected| <= atol + rtol * |expected|` for every element (the goldens' tolerance form).
///
/// Returns a description of the first few mismatches, or `nil` when all are close, so a test
/// writes `#expect(closeMismatch(got, want, atol: 1e-6, rtol: 1e-5) == nil)` and sees the values.
public func closeMismatch(
  _ got: [Float], _ expected: [Float], atol: Float, rtol: Float, limit: Int = 5
) -> String? {
  guard got.count == expected.count else {
    return "count \(got.count) != expected \(expected.count)"
  }
  var messages: [String] = []
  var failures = 0
  for index in got.indices {
    let difference = abs(got[index] - expected[index])
    if !(difference <= atol + rtol * abs(expected[index])) {
      failures += 1
      if messages.count < limit {
        messages.append("[\(index)] got \(got[index]), expected \(expected[index])")
      }
    }
  }
  return failures == 0
    ? nil : "\(failures) of \(got.count) differ: " + messages.joined(separator: "; ")
}
