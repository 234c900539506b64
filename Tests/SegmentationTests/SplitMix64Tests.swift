import Testing
@testable import Segmentation

@Suite struct SplitMix64Tests {
  @Test func knownSequenceForSeedZero() {
    // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
  }

  @Test func unitDoublesLieInRange() {
    var generator = SplitMix64(seed: 5)
    for _ in 0..<1000 {
      let value = generator.nextUnitDouble()
      #expect(value >= 0 && value < 1)
    }
  }
}
