import Boxes
import Testing

@Suite struct SplitMix64Tests {
  @Test func matchesTheReferenceSequence() {
    // Outputs of Vigna's splitmix64.c for seed 1234567.
    var generator = SplitMix64(seed: 1_234_567)
    let expected: [UInt64] = [
      6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
      4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
    ]
    #expect((0..<5).map { _ in generator.next() } == expected)
  }

  @Test func sameSeedSameSequence() {
    var a = SplitMix64(seed: 0)
    var b = SplitMix64(seed: 0)
    #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    var c = SplitMix64(seed: 1)
    #expect(a.next() != c.next())
  }
}
