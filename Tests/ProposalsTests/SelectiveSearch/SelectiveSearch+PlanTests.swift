import Imaging
import Segmentation
import Testing

@testable import Proposals

@Suite struct SelectiveSearchPlanTests {
  @Test func theFastPresetHasTwoSpacesOfTwoSegmentationsEach() {
    let search = SelectiveSearch(mode: .fast, threads: 1)
    let plan = search.plan()
    #expect(plan.spaces == [.hsv, .lab])
    #expect(plan.keys.map(\.count) == [2, 2])
    #expect(plan.firstKey == [0, 2, 4])
    #expect(plan.segmenters.count == 4)
    for (index, strategy) in search.strategies.enumerated() {
      let space = plan.strategySpaces[index]
      #expect(plan.spaces[space] == strategy.colorSpace)
      #expect(plan.keys[space][plan.strategyKeys[index]] == strategy.segmenter(sigma: 0.8))
    }
    // Each segmentation is grouped with C+T+S+F and T+S+F: colour and texture both read.
    #expect(plan.reads.allSatisfy { $0.allSatisfy { $0.0 && $0.1 } })
  }

  @Test func threeChannelSpacesComeFirstAndSharedSegmentationsOnce() {
    let strategies = [
      SelectiveSearch.Strategy(colorSpace: .intensity, threshold: 80, similarity: [.size]),
      SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 100, similarity: [.texture]),
      SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 100, similarity: [.fill]),
      SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 60, similarity: [.colour]),
    ]
    let plan = SelectiveSearch(strategies: strategies, threads: 1).plan()
    #expect(plan.spaces == [.hsv, .intensity])
    #expect(plan.strategySpaces == [1, 0, 0, 0])
    #expect(plan.keys.map(\.count) == [2, 1])
    #expect(plan.strategyKeys == [0, 0, 0, 1])
    #expect(plan.keyRange(of: 0) == 0..<2 && plan.keyRange(of: 1) == 2..<3)
    // hsv k 100: texture (one strategy) only; hsv k 60: colour only; intensity: neither.
    #expect(plan.reads[0].map(\.0) == [false, true] && plan.reads[0].map(\.1) == [true, false])
    #expect(plan.reads[1].map(\.0) == [false] && plan.reads[1].map(\.1) == [false])
  }

  /// The scheduled jobs compute what the steps compute one after the other on one thread.
  @Test(arguments: [1, 2])
  func theJobsComputeWhatTheStepsComputeInOrder(threads: Int) throws {
    let image = SelectiveSearchTests.scene(width: 60, height: 40, seed: 9)
    let search = SelectiveSearch(mode: .fast, threads: threads)
    let plan = search.plan()
    let graphs = try SelectiveSearch.edgeGraphs(of: image, plan: plan)
    var initial: [[SelectiveSearch.InitialRegions]] = []
    for space in plan.spaces.indices {
      for graph in graphs[space] {
        for band in 0..<SelectiveSearch.graphBands { graph.pack(band: band) }
      }
      let sorted = graphs[space].map { $0.sorted() }
      let segmented = plan.keyRange(of: space).map {
        SelectiveSearch.segmentation(plan.segmenters[$0], sortedGraphs: sorted)
      }
      let bins = PixelBins(rgb: image, space: plan.spaces[space])
      var counts = SelectiveSearch.histogramCounts(
        of: segmented, bins: bins, reads: plan.reads[space],
        pixels: 0..<(image.width * image.height))
      initial.append(
        SelectiveSearch.initialRegions(of: segmented, counts: &counts, channels: bins.channels))
    }
    let expected = search.strategies.indices.map { index in
      search.grouping(
        strategy: index, from: initial[plan.strategySpaces[index]][plan.strategyKeys[index]],
        pixels: image.width * image.height)
    }
    let scheduled = try search.hierarchies(for: image)
    #expect(scheduled.map(\.boxes) == expected.map(\.boxes))
    #expect(scheduled.map(\.sizes) == expected.map(\.sizes))
    #expect(scheduled.map(\.left) == expected.map(\.left))
    #expect(scheduled.map(\.right) == expected.map(\.right))
  }
}
