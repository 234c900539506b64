import Boxes
import Foundation
import Imaging
import Testing

@testable import Proposals

@Suite struct SelectiveSearchTests {
  /// A seeded noisy scene: a background ramp, two flat rectangles and a disc, noise ±0.03.
  static func scene(width: Int = 96, height: Int = 64, seed: UInt64 = 3) -> Image {
    var generator = SplitMix64(seed: seed)
    var image = Image(width: width, height: height, channels: 3)
    for y in 0..<height {
      for x in 0..<width {
        var colour: [Float] = [0.2 + 0.3 * Float(x) / Float(width), 0.5, 0.6]
        if x >= 10 && x < 40 && y >= 8 && y < 30 { colour = [0.9, 0.1, 0.1] }
        if x >= 55 && x < 85 && y >= 30 && y < 58 { colour = [0.1, 0.8, 0.2] }
        let dx = Float(x - 25), dy = Float(y - 48)
        if dx * dx + dy * dy < 100 { colour = [0.95, 0.9, 0.1] }
        for c in 0..<3 {
          image[x: x, y: y, channel: c] = min(
            max(colour[c] + 0.06 * (generator.nextUnitFloat() - 0.5), 0), 1)
        }
      }
    }
    return image
  }

  @Test func sameSeedGivesIdenticalOutputForAnyThreadCount() throws {
    let image = Self.scene()
    let single = try SelectiveSearch(mode: .fast, seed: 11, threads: 1).proposals(for: image)
    for threads in [2, 3, 8] {
      let parallel = try SelectiveSearch(mode: .fast, seed: 11, threads: threads).proposals(
        for: image)
      #expect(parallel == single, "threads \(threads) changed the output")
    }
    let again = try SelectiveSearch(mode: .fast, seed: 11, threads: 2).proposals(for: image)
    #expect(again == single)
    let otherSeed = try SelectiveSearch(mode: .fast, seed: 12, threads: 2).proposals(for: image)
    #expect(otherSeed.map(\.box) != single.map(\.box), "the seed does not change the order")
    #expect(
      Set(otherSeed.map(\.box)) == Set(single.map(\.box)), "the seed changes the set of boxes")
  }

  /// The `opencv-quality` preset (4-connected graphs on 8-bit channels, OpenCV's luma and
  /// R, G, luma images) gives the same proposals on any thread count.
  @Test func openCVQualityGivesIdenticalOutputForAnyThreadCount() throws {
    let image = Self.scene(width: 48, height: 40)
    let single = try SelectiveSearch(mode: .openCVQuality, seed: 5, threads: 1).proposals(
      for: image)
    #expect(!single.isEmpty)
    for threads in [2, 3] {
      let parallel = try SelectiveSearch(mode: .openCVQuality, seed: 5, threads: threads)
        .proposals(for: image)
      #expect(parallel == single, "threads \(threads) changed the output")
    }
  }

  /// Strategies in one colour space with two channel weightings (two edge graphs in one
  /// space) and a shared key, on any thread count: the same proposals, and each key's
  /// boxes include those of its own one-strategy search.
  @Test func twoGraphsInOneSpaceGiveTheSameOutputOnAnyThreadCount() throws {
    let image = Self.scene(width: 70, height: 45, seed: 5)
    let strategies = [
      SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 100),
      SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 100, channelWeights: [0.5, 1, 1]),
      SelectiveSearch.Strategy(colorSpace: .hsv, threshold: 60, similarity: [.size, .fill]),
      SelectiveSearch.Strategy(colorSpace: .intensity, threshold: 80),
    ]
    let single = try SelectiveSearch(strategies: strategies, seed: 2, threads: 1).proposals(
      for: image)
    for threads in [2, 3] {
      let parallel = try SelectiveSearch(strategies: strategies, seed: 2, threads: threads)
        .proposals(for: image)
      #expect(parallel == single, "threads \(threads) changed the output")
    }
    let all = Set(single.map(\.box))
    for strategy in strategies {
      let alone = try SelectiveSearch(strategies: [strategy], threads: 2).proposals(for: image)
      #expect(Set(alone.map(\.box)).isSubset(of: all), "\(strategy)")
    }
  }

  /// The jobs: each once, after every job whose output it reads, and one space's
  /// memory-heavy stages at a time: a space's bins after its merges, the next space's graph
  /// bands after its initial regions and groupings.
  @Test(arguments: [[1], [3], [2, 4, 1], [4, 4, 4, 4, 4]], [true, false])
  func everyStageComesAfterWhatItReadsAndWaitsFor(keyCounts: [Int], parallel: Bool) {
    // Two strategies per key, in space order.
    let strategySpaces = keyCounts.indices.flatMap {
      Array(repeating: $0, count: 2 * keyCounts[$0])
    }
    let stages = SelectiveSearch.spaceStages(
      keyCounts: keyCounts, strategySpaces: strategySpaces, parallel: parallel)
    let bands = SelectiveSearch.graphBands
    let counters = parallel ? 2 : 1
    #expect(
      stages.count
        == keyCounts.reduce(0, +) + keyCounts.count * (bands + 2 + counters)
        + strategySpaces.count)
    func position(_ stage: SelectiveSearch.SpaceStage, _ space: Int) -> Int {
      let matches = stages.indices.filter { stages[$0].0 == stage && stages[$0].1 == space }
      #expect(matches.count == 1, "\(stage) of space \(space)")
      return matches.first ?? -1
    }
    for (space, keyCount) in keyCounts.enumerated() {
      let sort = position(.sort, space)
      #expect((0..<bands).allSatisfy { position(.graphBand($0), space) < sort })
      let merges = (0..<keyCount).map { position(.merge($0), space) }
      let bins = position(.bins, space)
      let last = position(.initialRegions, space)
      let first = parallel ? position(.firstHalfCounts, space) : last
      #expect(merges.allSatisfy { $0 > sort && $0 < bins })
      #expect(bins < first && first <= last)
      if !parallel {
        #expect(!stages.contains { $0.0 == .firstHalfCounts })
      }
      let groupings = strategySpaces.indices.filter { strategySpaces[$0] == space }.map {
        position(.grouping($0), space)
      }
      #expect(groupings.allSatisfy { $0 > last })
      if space + 1 < keyCounts.count {
        // The next space starts after this one's initial regions and groupings.
        let next = (0..<bands).map { position(.graphBand($0), space + 1) }
        #expect(next.allSatisfy { band in band > last && groupings.allSatisfy { $0 < band } })
      }
    }
  }

  @Test func proposalsAreRankedUniqueInsideAndCarryProvenance() throws {
    let image = Self.scene()
    let proposals = try SelectiveSearch(mode: .fast, threads: 1).proposals(for: image)
    #expect(!proposals.isEmpty)
    #expect(Set(proposals.map(\.box)).count == proposals.count, "duplicate boxes")
    for (previous, next) in zip(proposals, proposals.dropFirst()) {
      #expect(previous.score >= next.score)
    }
    for proposal in proposals {
      let box = proposal.box
      #expect(
        box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 96 && box.y2 <= 64 && box.x2 > box.x1
          && box.y2 > box.y1)
      #expect(proposal.provenance.method == "selective-search")
      #expect(["hsv", "lab"].contains(proposal.provenance.colorSpace ?? ""))
      #expect([50, 100].contains(proposal.provenance.k ?? -1))
      #expect(["C+T+S+F", "T+S+F"].contains(proposal.provenance.strategy ?? ""))
      #expect((proposal.provenance.level ?? 0) >= 1)
    }
    // The whole image is the last merge of every strategy.
    #expect(proposals.contains { $0.box == Box(x1: 0, y1: 0, x2: 96, y2: 64) })
  }

  @Test func findsTheObjectsOfASyntheticScene() throws {
    let proposals = try SelectiveSearch(mode: .single, threads: 1).proposals(for: Self.scene())
    let objects = [
      Box(x1: 10, y1: 8, x2: 40, y2: 30), Box(x1: 55, y1: 30, x2: 85, y2: 58),
      Box(x1: 15, y1: 38, x2: 35, y2: 58),
    ]
    for object in objects {
      let best = proposals.map { $0.box.iou(object) }.max() ?? 0
      #expect(best >= 0.8, "best IoU with \(object) is \(best), floor 0.8")
    }
  }

  /// OpenCV asserts on some shapes; every shape must give valid boxes here.
  @Test(arguments: [(1, 1), (1, 37), (37, 1), (20, 400), (400, 20), (2, 3), (1, 500), (500, 1)])
  func handlesAnyAspectRatio(width: Int, height: Int) throws {
    let image = Self.scene(width: width, height: height, seed: UInt64(width * 1000 + height))
    let proposals = try SelectiveSearch(mode: .fast, threads: 2).proposals(for: image)
    #expect(!proposals.isEmpty)
    #expect(proposals.contains { $0.box == Box(x1: 0, y1: 0, x2: Float(width), y2: Float(height)) })
    for proposal in proposals {
      let box = proposal.box
      #expect(box.x1 >= 0 && box.y1 >= 0 && box.x2 <= Float(width) && box.y2 <= Float(height))
      #expect(box.width >= 1 && box.height >= 1)
      #expect(proposal.score.isFinite && proposal.score > 0)
    }
  }

  @Test func greyImagesAreSearchedAsRGB() throws {
    let rgb = Self.scene()
    let grey = rgb.grayscale()
    let proposals = try SelectiveSearch(mode: .quality, threads: 2).proposals(for: grey)
    let expected = try SelectiveSearch(mode: .quality, threads: 2).proposals(
      for: Image(stackingChannels: [grey, grey, grey]))
    #expect(proposals == expected)
    #expect(!proposals.isEmpty)
  }

  @Test func shrinksLargeImagesAndScalesBoxesBack() throws {
    let image = Self.scene(width: 300, height: 200)
    let proposals = try SelectiveSearch(mode: .single, maximumSide: 75, threads: 1).proposals(
      for: image)
    #expect(proposals.contains { $0.box == Box(x1: 0, y1: 0, x2: 300, y2: 200) })
    for proposal in proposals {
      #expect(proposal.box.x2 <= 300 && proposal.box.y2 <= 200)
    }
    let full = try SelectiveSearch(mode: .single, threads: 1).proposals(for: image)
    #expect(proposals.count < full.count, "shrinking did not reduce the work")
  }

  @Test func filtersAndCap() throws {
    let image = Self.scene()
    let all = try SelectiveSearch(mode: .fast, threads: 1).proposals(for: image)
    let filtered = try SelectiveSearch(
      mode: .fast, maxProposals: 10, minimumSide: 8, maximumAspectRatio: 2, threads: 1
    ).proposals(for: image)
    #expect(filtered.count == 10)
    for proposal in filtered {
      let w = proposal.box.width, h = proposal.box.height
      #expect(w >= 8 && h >= 8 && max(w / h, h / w) <= 2)
    }
    // Filtering keeps the order of the unfiltered ranking.
    let kept = all.filter {
      let w = $0.box.width, h = $0.box.height
      return w >= 8 && h >= 8 && max(w / h, h / w) <= 2
    }
    #expect(Array(kept.prefix(10)) == filtered)
    #expect(
      try SelectiveSearch(mode: .fast, maxProposals: 0, threads: 1).proposals(for: image).isEmpty)
  }

  @Test func invalidParametersThrowNamingTheField() {
    let image = Self.scene()
    #expect(throws: ProposalsError.self) {
      try SelectiveSearch(strategies: []).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      try SelectiveSearch(mode: .single, sigma: -1).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      try SelectiveSearch(mode: .single, threads: 0).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      try SelectiveSearch(strategies: [.init(colorSpace: .hsv, threshold: 100, similarity: [])])
        .proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      try SelectiveSearch(strategies: [.init(colorSpace: .hsv, threshold: .nan)]).proposals(
        for: image)
    }
    #expect(throws: ProposalsError.self) {
      try SelectiveSearch(strategies: [.init(colorSpace: .hsv, threshold: 100, channelWeights: [1])]
      )
      .proposals(for: image)
    }
    do {
      _ = try SelectiveSearch(mode: .single).proposals(for: Image(width: 4, height: 4, channels: 2))
      Issue.record("a 2-channel image was accepted")
    } catch let error as ProposalsError {
      #expect(
        error.description == "SelectiveSearch: image.channels is 2, expected 1 (grey) or 3 (RGB)")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func strategySeedsDifferPerStrategy() {
    let seeds = (0..<100).map { SelectiveSearch.strategySeed(5, index: $0) }
    #expect(Set(seeds).count == 100)
    #expect(SelectiveSearch.strategySeed(5, index: 3) == SelectiveSearch.strategySeed(5, index: 3))
  }
}
