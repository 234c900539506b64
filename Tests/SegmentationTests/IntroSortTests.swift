import Boxes
import RegionKitTestSupport
import Testing

@testable import Segmentation

@Suite struct IntroSortTests {
  /// `Fixtures/goldens/introsort.json` (`Tools/goldens/introsort_golden.cpp`, GCC's
  /// `std::sort`): elements with equal keys end in the same order, exactly.
  @Test func equalKeysEndWhereGCCsStdSortLeavesThem() throws {
    let file = try GoldenFile("introsort.json")
    #expect(file.cases.count == 5)
    for testCase in file.cases {
      let count = try #require(testCase.object["count"] as? Int)
      let range = try #require(testCase.object["range"] as? Int)
      let seed = try #require(testCase.object["seed"] as? Int)
      let expected = try #require(testCase.object["sorted_indices"] as? [Int])
      var state = UInt32(seed)
      // Key in the high 32 bits, the element's index in the low ones.
      var items: [UInt64] = (0..<count).map { index in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt64((state >> 16) % UInt32(range)) << 32 | UInt64(index)
      }
      items.withUnsafeMutableBufferPointer { IntroSort.sort($0) }
      #expect(
        items.map { Int($0 & 0xFFFF_FFFF) } == expected,
        "count \(count), range \(range), seed \(seed)")
    }
  }

  @Test(arguments: [0, 1, 2, 16, 17, 100, 5000])
  func sortsLikeTheStandardLibrary(count: Int) {
    var random = SplitMix64(seed: UInt64(count))
    /// The high halves of `values` sorted: the standard library's order of the keys.
    func check(_ keys: [UInt64], _ label: String) {
      var sorted = keys
      sorted.withUnsafeMutableBufferPointer { IntroSort.sort($0) }
      #expect(sorted.map { $0 >> 32 } == keys.map { $0 >> 32 }.sorted(), "\(label)")
      #expect(Set(sorted) == Set(keys), "\(label): the elements are kept")
    }
    for range in [1, 3, 1_000_000] {
      check(
        (0..<count).map { UInt64(random.next() % UInt64(range)) << 32 | UInt64($0) },
        "count \(count), range \(range)")
    }
    // Already sorted, reversed and organ-pipe inputs (the depth limit's worst cases).
    let patterns: [[Int]] = [
      Array(0..<count), Array((0..<count).reversed()),
      (0..<count).map { min($0, count - 1 - $0) },
    ]
    for pattern in patterns {
      check(pattern.enumerated().map { UInt64($1) << 32 | UInt64($0) }, "pattern")
    }
  }
}
