import Boxes
import Testing

@testable import Detectors

@Suite struct MatcherTests {
  let objects = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 20, y1: 20, x2: 30, y2: 30)]

  @Test func thresholdsGiveForegroundBackgroundAndIgnored() throws {
    let candidates = [
      Box(x1: 0, y1: 0, x2: 10, y2: 10),  // IoU 1 with object 0
      Box(x1: 0, y1: 0, x2: 10, y2: 5),  // IoU 0.5 with object 0: ignored
      Box(x1: 50, y1: 50, x2: 60, y2: 60),  // background
      Box(x1: 20, y1: 20, x2: 30, y2: 29),  // IoU 0.9 with object 1
    ]
    let result = try Matcher(highThreshold: 0.7, lowThreshold: 0.3).match(
      objects: objects, candidates: candidates)
    #expect(result.matches == [0, Matcher.ignored, Matcher.background, 1])
    #expect(result.bestIoU[1] == 0.5)
  }

  @Test func lowQualityMatchesMakeEachObjectsBestCandidatesPositiveWithTies() throws {
    // Object 1's best IoU is 0.5 by two tied candidates; without low-quality matches they
    // would be ignored.
    let candidates = [
      Box(x1: 20, y1: 20, x2: 30, y2: 25), Box(x1: 20, y1: 25, x2: 30, y2: 30),
      Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 20, y1: 20, x2: 25, y2: 30),
    ]
    let strict = try Matcher(highThreshold: 0.7, lowThreshold: 0.3)
    #expect(
      strict.match(objects: objects, candidates: candidates).matches == [
        Matcher.ignored, Matcher.ignored, 0, Matcher.ignored,
      ])
    let loose = try Matcher(highThreshold: 0.7, lowThreshold: 0.3, allowLowQualityMatches: true)
    #expect(loose.match(objects: objects, candidates: candidates).matches == [1, 1, 0, 1])
  }

  @Test func noObjectsMeansAllBackground() throws {
    let result = try Matcher(highThreshold: 0.5, lowThreshold: 0.5, allowLowQualityMatches: true)
      .match(objects: [], candidates: objects)
    #expect(result.matches == [Matcher.background, Matcher.background])
    #expect(result.bestObject == [-1, -1])
  }

  @Test func nonFiniteObjectMatchesNothing() throws {
    let bad = Box(x1: .nan, y1: 0, x2: 10, y2: 10)
    let result = try Matcher(highThreshold: 0.7, lowThreshold: 0.3, allowLowQualityMatches: true)
      .match(objects: [bad], candidates: objects)
    #expect(result.matches == [Matcher.background, Matcher.background])
  }
}

@Suite struct BalancedSamplerTests {
  @Test func capsPositivesAndFillsWithNegatives() throws {
    let sampler = try BalancedSampler(sampleCount: 8, positiveFraction: 0.25)
    let sample = sampler.sample(positives: Array(0..<10), negatives: Array(100..<200), seed: 1)
    #expect(sample.positives.count == 2)
    #expect(sample.negatives.count == 6)
    #expect(Set(sample.positives).isSubset(of: Set(0..<10)))
    #expect(Set(sample.negatives).count == 6)
  }

  @Test func fewPositivesAreAllTakenAndNegativesFillTheRest() throws {
    let sampler = try BalancedSampler(sampleCount: 8, positiveFraction: 0.5)
    let sample = sampler.sample(positives: [3], negatives: Array(10..<20), seed: 2)
    #expect(sample.positives == [3])
    #expect(sample.negatives.count == 7)
  }

  @Test func thresholdsOutOfOrderThrowNamingTheFieldAndValue() {
    let error = DetectorsError.invalidParameter(
      type: "Matcher", field: "lowThreshold", value: "0.8", expected: "0 to highThreshold (0.5)")
    #expect(throws: error) { try Matcher(highThreshold: 0.5, lowThreshold: 0.8) }
    #expect(error.description.contains("lowThreshold") && error.description.contains("0.8"))
    #expect(throws: DetectorsError.self) { try Matcher(highThreshold: 0.7, lowThreshold: -0.1) }
    #expect(throws: DetectorsError.self) { try Matcher(highThreshold: 0.7, lowThreshold: .nan) }
  }

  @Test func tooFewOfBothGivesASmallerSampleAndIsSeeded() throws {
    let sampler = try BalancedSampler(sampleCount: 256, positiveFraction: 0.5)
    let sample = sampler.sample(positives: [1, 2], negatives: [5, 6, 7], seed: 3)
    #expect(Set(sample.positives) == [1, 2] && Set(sample.negatives) == [5, 6, 7])
    let a = sampler.sample(positives: Array(0..<300), negatives: Array(300..<900), seed: 9)
    let b = sampler.sample(positives: Array(0..<300), negatives: Array(300..<900), seed: 9)
    let c = sampler.sample(positives: Array(0..<300), negatives: Array(300..<900), seed: 10)
    #expect(a.positives == b.positives && a.negatives == b.negatives)
    #expect(a.positives != c.positives)
  }

  @Test func samplerSettingsOutOfRangeThrowNamingTheFieldAndValue() {
    let error = DetectorsError.invalidParameter(
      type: "BalancedSampler", field: "positiveFraction", value: "1.5", expected: "0 to 1")
    #expect(throws: error) { try BalancedSampler(sampleCount: 8, positiveFraction: 1.5) }
    #expect(error.description.contains("positiveFraction") && error.description.contains("1.5"))
    #expect(
      throws: DetectorsError.invalidParameter(
        type: "BalancedSampler", field: "sampleCount", value: "0", expected: "at least 1")
    ) { try BalancedSampler(sampleCount: 0, positiveFraction: 0.5) }
  }
}
