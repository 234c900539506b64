import Imaging
import Testing

@testable import Proposals

@Suite struct SelectiveSearchStrategiesTests {
  @Test func presetsHaveThePapersAndOpenCVsStrategyCounts() {
    let counts = SelectiveSearch.Mode.allCases.map { ($0, $0.strategies.count) }
    #expect(counts.map(\.1) == [1, 8, 80, 1, 12, 100])
  }

  @Test func paperPresetsTakeMinimumSizeEqualToK() {
    for strategy in SelectiveSearch.Mode.fast.strategies {
      #expect(strategy.minimumSegmentSize == Int(strategy.threshold))
    }
    #expect(Set(SelectiveSearch.Mode.fast.strategies.map(\.threshold)) == [50, 100])
    #expect(
      Set(SelectiveSearch.Mode.quality.strategies.map(\.colorSpace)) == [
        .hsv, .lab, .rgi, .hue, .intensity,
      ])
    #expect(Set(SelectiveSearch.Mode.quality.strategies.map(\.threshold)) == [50, 100, 150, 300])
    #expect(
      SelectiveSearch.Mode.single.strategies == [
        .init(colorSpace: .hsv, threshold: 100, similarity: .all)
      ])
  }

  @Test func openCVPresetsKeepMinimumSize100() {
    for mode in [SelectiveSearch.Mode.openCVSingle, .openCVFast, .openCVQuality] {
      #expect(mode.strategies.allSatisfy { $0.minimumSegmentSize == 100 })
    }
    #expect(SelectiveSearch.Mode.openCVSingle.strategies.map(\.threshold) == [200])
    #expect(Set(SelectiveSearch.Mode.openCVFast.strategies.map(\.threshold)) == [150, 300, 450])
    #expect(
      Set(SelectiveSearch.Mode.openCVQuality.strategies.map(\.threshold)) == [
        150, 300, 450, 600, 750,
      ])
  }

  @Test func openCVPresetsSegmentWithOpenCVsHueScale() {
    for mode in [SelectiveSearch.Mode.openCVSingle, .openCVFast, .openCVQuality] {
      for strategy in mode.strategies {
        #expect(
          strategy.channelWeights == SelectiveSearch.openCVChannelWeights(for: strategy.colorSpace))
      }
    }
    #expect(SelectiveSearch.openCVChannelWeights(for: .hsv) == [Float(180) / 255, 1, 1])
    #expect(SelectiveSearch.openCVChannelWeights(for: .hue) == [Float(180) / 255])
    #expect(SelectiveSearch.openCVChannelWeights(for: .lab) == nil)
    for mode in [SelectiveSearch.Mode.single, .fast, .quality] {
      #expect(mode.strategies.allSatisfy { $0.channelWeights == nil })
    }
  }

  @Test func openCVPresetsSegmentLikeOpenCV() {
    for mode in [SelectiveSearch.Mode.openCVSingle, .openCVFast, .openCVQuality] {
      #expect(mode.strategies.allSatisfy { $0.connectivity == .four && $0.quantizesToEightBits })
    }
    for mode in [SelectiveSearch.Mode.single, .fast, .quality] {
      #expect(mode.strategies.allSatisfy { $0.connectivity == .eight && !$0.quantizesToEightBits })
    }
    // OpenCV's quality mode: HSV, Lab, its grey image, the blue plane (which overwrites the
    // hue plane it means to use) and its "rgI" (R, G, grey).
    var spaces: [ColorSpace] = []
    for strategy in SelectiveSearch.Mode.openCVQuality.strategies
    where !spaces.contains(strategy.colorSpace) {
      spaces.append(strategy.colorSpace)
    }
    #expect(spaces == [.hsv, .lab, .luma, .blue, .rgLuma])
  }

  @Test func onlyTheOpenCVPresetsFollowOpenCV() {
    for mode in SelectiveSearch.Mode.allCases {
      let openCV = mode.rawValue.hasPrefix("opencv-")
      #expect(mode.strategies.allSatisfy { $0.followsOpenCV == openCV }, "\(mode)")
    }
  }

  @Test func strategiesDifferingInGraphOrRoundingDoNotShareASegmentation() {
    let base = SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 100)
    var four = base
    four.connectivity = .four
    var rounded = base
    rounded.quantizesToEightBits = true
    var otherSet = base
    otherSet.similarity = .fill
    #expect(Set([base, four, rounded].map { $0.segmenter(sigma: 0.8) }).count == 3)
    #expect(otherSet.segmenter(sigma: 0.8) == base.segmenter(sigma: 0.8))
  }

  @Test func similarityNotationRoundTrips() {
    let sets: [SelectiveSearch.SimilaritySet] = [
      .all, [.texture, .size, .fill], .fill, .size, .colour,
    ]
    #expect(sets.map(\.description) == ["C+T+S+F", "T+S+F", "F", "S", "C"])
    for set in sets { #expect(SelectiveSearch.SimilaritySet(notation: set.description) == set) }
    #expect(SelectiveSearch.SimilaritySet(notation: "f+s") == [.fill, .size])
    #expect(SelectiveSearch.SimilaritySet(notation: "X") == nil)
    #expect(SelectiveSearch.SimilaritySet(notation: "") == nil)
  }

  @Test func modesParseFromTheirCLINames() {
    #expect(SelectiveSearch.Mode(rawValue: "opencv-fast") == .openCVFast)
    #expect(
      SelectiveSearch.Mode.allCases.map(\.rawValue) == [
        "single", "fast", "quality", "opencv-single", "opencv-fast", "opencv-quality",
      ])
  }
}
