import Boxes
import Testing

@Suite struct SplitMix64UnitIntervalTests {
  @Test func unitValuesLieInRangeAndUseTheTopBits() {
    var generator = SplitMix64(seed: 5)
    var copy = generator
    for _ in 0..<1000 {
      let value = generator.nextUnitDouble()
      #expect(value >= 0 && value < 1)
      #expect(value == Double(copy.next() >> 11) * 0x1p-53)
      let single = generator.nextUnitFloat()
      #expect(single >= 0 && single < 1)
      #expect(single == Float(copy.next() >> 40) * 0x1p-24)
    }
  }
}
