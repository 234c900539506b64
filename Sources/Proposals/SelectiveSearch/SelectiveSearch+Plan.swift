import Imaging
import Segmentation

extension SelectiveSearch {
  /// What ``hierarchies(for:)`` computes for one image, worked out from the strategies alone:
  /// the colour spaces, the distinct segmentations of each (its *keys*: threshold, minimum
  /// size, channel weights), which segmentation each strategy groups, and which histograms
  /// (colour, texture) each segmentation's strategies read.
  ///
  /// Key `i` of space `s` has the flat index `firstKey[s] + i` in ``segmenters``, and strategy
  /// `j` groups the regions of key `strategyKeys[j]` of space `strategySpaces[j]`.
  struct Plan {
    /// The distinct colour spaces, three-channel ones first, then in strategy order.
    let spaces: [ColorSpace]
    /// Per strategy, the index of its colour space in ``spaces``.
    let strategySpaces: [Int]
    /// Per colour space, its distinct segmenters in strategy order.
    let keys: [[FelzenszwalbSegmentation]]
    /// Per strategy, the index of its segmenter among its space's ``keys``.
    let strategyKeys: [Int]
    /// The flat index of each space's first key in ``segmenters``, then the key count.
    let firstKey: [Int]
    /// Every key, space by space.
    let segmenters: [FelzenszwalbSegmentation]
    /// Per space and key: whether any strategy of that segmentation reads colour (`.0`) and
    /// texture (`.1`).
    let reads: [[(Bool, Bool)]]

    /// The flat indices in ``segmenters`` of the keys of `space`.
    func keyRange(of space: Int) -> Range<Int> { firstKey[space]..<firstKey[space + 1] }
  }

  /// The plan of this search's strategies.
  func plan() -> Plan {
    var spaces: [ColorSpace] = []
    for strategy in strategies where !spaces.contains(strategy.colorSpace) {
      spaces.append(strategy.colorSpace)
    }
    // Three-channel spaces cost about three times a one-channel space: starting them first
    // keeps an expensive job from running alone at the end (ordering only; the output is
    // placed by index).
    spaces = spaces.enumerated().sorted {
      ($0.element.channelCount, -$0.offset) > ($1.element.channelCount, -$1.offset)
    }.map(\.element)
    let strategySpaces = strategies.map { spaces.firstIndex(of: $0.colorSpace)! }
    let (keys, strategyKeys) = segmentationKeys(spaces: strategySpaces, spaceCount: spaces.count)
    let reads = keys.indices.map { space in
      keys[space].indices.map { key in
        let sets = strategies.indices.filter {
          strategySpaces[$0] == space && strategyKeys[$0] == key
        }.map { strategies[$0].similarity }
        return (sets.contains { $0.contains(.colour) }, sets.contains { $0.contains(.texture) })
      }
    }
    return Plan(
      spaces: spaces, strategySpaces: strategySpaces, keys: keys, strategyKeys: strategyKeys,
      firstKey: keys.reduce(into: [0]) { $0.append($0.last! + $1.count) },
      segmenters: keys.flatMap { $0 }, reads: reads)
  }

  /// The distinct segmenters of each colour space's strategies, in strategy order, and per
  /// strategy the index of its segmenter among its space's; `spaces[j]` is the index of
  /// strategy `j`'s colour space.
  private func segmentationKeys(
    spaces: [Int], spaceCount: Int
  ) -> (keys: [[FelzenszwalbSegmentation]], strategyKeys: [Int]) {
    var keys = [[FelzenszwalbSegmentation]](repeating: [], count: spaceCount)
    let strategyKeys = zip(strategies, spaces).map { strategy, space in
      let segmenter = strategy.segmenter(sigma: sigma)
      if let key = keys[space].firstIndex(of: segmenter) { return key }
      keys[space].append(segmenter)
      return keys[space].count - 1
    }
    return (keys, strategyKeys)
  }

  // MARK: - The steps of one image, free of scheduling

  /// One edge graph per colour space and channel weighting, in ``Plan/spaces`` order, each in
  /// ``graphBands`` bands; a graph's memory is taken when its first band is packed.
  static func edgeGraphs(of image: Image, plan: Plan) throws -> [[FelzenszwalbGraph]] {
    try plan.spaces.indices.map { space in
      var graphs: [FelzenszwalbGraph] = []
      for segmenter in plan.keys[space]
      where !graphs.contains(where: { segmenter.sharesGraph(with: $0.parameters) }) {
        graphs.append(
          try FelzenszwalbGraph(image: image, parameters: segmenter, bands: graphBands))
      }
      return graphs
    }
  }

  /// The segmentation of `segmenter` by the merge passes on the sorted graph it shares.
  static func segmentation(
    _ segmenter: FelzenszwalbSegmentation, sortedGraphs: [FelzenszwalbGraph.Sorted]
  ) -> SegmentationResult {
    sortedGraphs.first { segmenter.sharesGraph(with: $0.parameters) }!.segment(with: segmenter)
  }

  /// The histogram counts over `range` of the pixels of each segmentation of one space.
  ///
  /// - Parameters:
  ///   - segmented: The space's segmentations, in key order.
  ///   - bins: The space's per-pixel histogram bins.
  ///   - reads: Per key, whether its strategies read colour (`.0`) and texture (`.1`).
  ///   - range: The pixels counted (row-major indices).
  static func histogramCounts(
    of segmented: [SegmentationResult], bins: PixelBins, reads: [(Bool, Bool)],
    pixels range: Range<Int>
  ) -> [RegionHistograms.Counts] {
    zip(reads, segmented).map { reads, segmentation in
      RegionHistograms.Counts(
        labels: segmentation.labels.labels, pixels: range,
        regionCount: segmentation.regions.count, bins: bins, colour: reads.0,
        texture: reads.1)
    }
  }

  /// The initial regions of each segmentation of one space with their normalised histograms.
  ///
  /// - Parameters:
  ///   - segmented: The space's segmentations, in key order.
  ///   - counts: Their histogram counts over all the pixels; normalised in place, so they are
  ///     left empty.
  ///   - channels: The number of channels of the space's bins.
  static func initialRegions(
    of segmented: [SegmentationResult], counts: inout [RegionHistograms.Counts], channels: Int
  ) -> [InitialRegions] {
    segmented.indices.map { index in
      let regions = segmented[index].regions
      return InitialRegions(
        regions: regions,
        histograms: counts[index].normalised(sizes: regions.map(\.size), channels: channels))
    }
  }

  /// The merge hierarchy of strategy `index`, grouped from the initial regions of its
  /// segmentation (on a copy of the histograms its similarity set reads).
  ///
  /// - Parameters:
  ///   - index: The strategy, in ``strategies``.
  ///   - start: The initial regions of its segmentation.
  ///   - pixels: The number of pixels of the image (the size similarity's denominator).
  func grouping(strategy index: Int, from start: InitialRegions, pixels: Int) -> MergeHierarchy {
    let set = strategies[index].similarity
    return HierarchicalGrouping.group(
      regions: start.regions,
      histograms: start.histograms.keeping(
        colour: set.contains(.colour), texture: set.contains(.texture)),
      similarity: Similarity(set: set, imageSize: Float(pixels)))
  }

  /// The initial regions of one segmentation with the histograms its strategies read.
  struct InitialRegions: Sendable {
    var regions: [Region]
    var histograms: RegionHistograms
  }
}
