import Imaging
import Testing

@Suite struct BorderModeTests {
  /// Indices -3...6 on an axis of 4 (`a b c d` = 0 1 2 3), as drawn in the doc comment.
  @Test func paddingPatterns() {
    let positions = Array(-3...6)
    #expect(
      positions.map { BorderMode.reflect.sourceIndex($0, count: 4) } == [
        2, 1, 0, 0, 1, 2, 3, 3, 2, 1,
      ])
    #expect(
      positions.map { BorderMode.reflect101.sourceIndex($0, count: 4) } == [
        3, 2, 1, 0, 1, 2, 3, 2, 1, 0,
      ])
    #expect(
      positions.map { BorderMode.replicate.sourceIndex($0, count: 4) } == [
        0, 0, 0, 0, 1, 2, 3, 3, 3, 3,
      ])
  }

  @Test func farIndicesKeepReflectingAndShortAxes() {
    // scipy 'reflect' on length 2 extends ... 1 0 | 0 1 | 1 0 0 1 ...
    #expect((2...7).map { BorderMode.reflect.sourceIndex($0, count: 2) } == [1, 0, 0, 1, 1, 0])
    #expect(
      (-6 ... -1).map { BorderMode.reflect101.sourceIndex($0, count: 3) } == [2, 1, 0, 1, 2, 1])
    for mode in BorderMode.allCases {
      #expect((-5...5).allSatisfy { mode.sourceIndex($0, count: 1) == 0 })
    }
  }
}
