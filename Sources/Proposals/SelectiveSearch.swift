import Boxes
import Foundation
import Imaging
import Segmentation

/// Selective search: object proposals from a hierarchical grouping of an over-segmentation,
/// diversified over colour spaces, segmentation scales and similarity measures
/// (Uijlings et al. 2013).
///
/// Each strategy segments the image with Felzenszwalb–Huttenlocher in one colour space at
/// one scale *k*, then repeatedly merges the two most similar neighbouring regions until
/// one is left; every region of that hierarchy, initial or merged, gives its bounding box.
/// Strategies are combined by the paper's ranking: within a strategy, the region created
/// last has position 1, the one before it 2, and so on; each position is multiplied by a
/// uniform random number from a seeded generator, the boxes of all strategies are sorted by
/// that value (smallest first) and duplicate boxes are dropped.
///
///     let search = SelectiveSearch(mode: .fast, seed: 7, maxProposals: 2000)
///     let proposals = try search.proposals(for: image)   // best first
///     print(proposals[0].box, proposals[0].provenance.strategy ?? "")
///
/// - Parameters:
///   - strategies: The diversification strategies, in the order their proposals are
///     combined (ties in the ranking go to the earlier strategy). Default for
///     ``init(mode:sigma:seed:maxProposals:minimumSide:maximumAspectRatio:maximumSide:threads:)``:
///     ``Mode/fast``.
///   - sigma: Pre-blur of the segmentation, in pixels. Default: `0.8` (paper and OpenCV).
///   - seed: Seed of the ranking's random numbers; strategy *i* draws from its own
///     ``Boxes/SplitMix64`` stream derived from `seed` and *i*. Default: `0`.
///   - maxProposals: Keep at most this many proposals, best first; `nil` keeps all.
///     Default: `nil`.
///   - minimumSide: Drop boxes whose width or height is below this, in pixels of the input
///     image. Default: `0` (keep all).
///   - maximumAspectRatio: Drop boxes whose longer side exceeds this many times the
///     shorter one. Default: `.infinity` (keep all).
///   - maximumSide: Shrink images whose longer side exceeds this many pixels before the
///     search (bilinear), and scale the boxes back; `nil` never shrinks. Default: `nil`.
///   - threads: Strategies run concurrently on up to this many threads; `1` runs on the
///     calling thread. The output is the same for every value. Default: the number of
///     active processors.
/// - Returns: From ``proposals(for:)``: proposals best first, with `score = 1 / value` for
///   the ranking value above (higher is better) and provenance naming the colour space,
///   *k*, similarity set and the hierarchy position (`level`, 1 = the last merge).
/// - Throws: ``ProposalsError/invalidParameter(generator:field:value:expected:)`` for an
///   empty strategy list, an empty similarity set, a negative or non-finite parameter, or
///   an image that has neither 1 (grey, replicated to RGB) nor 3 channels.
/// - Complexity: Per strategy, O(*n*) for *n* pixels (segmentation with a bucketed sort and
///   one histogram pass) plus the grouping, O(*D* (*h* + log *D*)) for *D* the sum of the
///   merged regions' neighbour counts and *h* = 315 histogram bins (3 channels). Memory:
///   about 30 bytes per pixel per colour space plus the segmentation's 60 bytes per pixel.
///
/// Differences from the paper: the segmentation is the library's 8-connected
/// ``Segmentation/FelzenszwalbSegmentation`` (OpenCV's is 4-connected); texture uses Sobel
/// derivatives of the image blurred with sigma 1 (the paper's Gaussian derivatives) split
/// into positive and negative parts along 4 axes for the 8 orientations, binned up to the
/// image's largest response; similarities are summed, not averaged (same merge order).
/// Checked against `Fixtures/goldens/selective_search.json` (OpenCV 5.0 single strategy on
/// four small images: total count within 20 %, each image within 40 %; mean recall of
/// OpenCV's boxes 0.63 at IoU 0.7 and 0.43 at IoU 0.9, the initial segmentations differing
/// by connectivity) and by a recall floor on `Fixtures/dataset`.
///
/// Reference: J. R. R. Uijlings, K. E. A. van de Sande, T. Gevers, A. W. M. Smeulders,
/// "Selective Search for Object Recognition", IJCV 104(2), 2013.
/// <https://doi.org/10.1007/s11263-013-0620-5>
public struct SelectiveSearch: ProposalGenerator {
  public var strategies: [Strategy]
  public var sigma: Float
  public var seed: UInt64
  public var maxProposals: Int?
  public var minimumSide: Float
  public var maximumAspectRatio: Float
  public var maximumSide: Int?
  public var threads: Int

  /// Creates a search with explicit strategies (see the type's documentation for each
  /// parameter).
  public init(
    strategies: [Strategy], sigma: Float = 0.8, seed: UInt64 = 0, maxProposals: Int? = nil,
    minimumSide: Float = 0, maximumAspectRatio: Float = .infinity, maximumSide: Int? = nil,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) {
    self.strategies = strategies
    self.sigma = sigma
    self.seed = seed
    self.maxProposals = maxProposals
    self.minimumSide = minimumSide
    self.maximumAspectRatio = maximumAspectRatio
    self.maximumSide = maximumSide
    self.threads = threads
  }

  /// Creates a search with one of the presets (``Mode``); every other parameter as in
  /// ``init(strategies:sigma:seed:maxProposals:minimumSide:maximumAspectRatio:maximumSide:threads:)``.
  ///
  /// - Parameter mode: The diversification preset. Default: ``Mode/fast``.
  public init(
    mode: Mode = .fast, sigma: Float = 0.8, seed: UInt64 = 0, maxProposals: Int? = nil,
    minimumSide: Float = 0, maximumAspectRatio: Float = .infinity, maximumSide: Int? = nil,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) {
    self.init(
      strategies: mode.strategies, sigma: sigma, seed: seed, maxProposals: maxProposals,
      minimumSide: minimumSide, maximumAspectRatio: maximumAspectRatio, maximumSide: maximumSide,
      threads: threads)
  }

  public var name: String { "selective-search" }

  /// Proposals for `image` (RGB or grey, values in `[0, 1]`), best first.
  public func proposals(for image: Image) throws -> [Proposal] {
    try validate(image)
    let rgb = image.channels == 1 ? Image(stackingChannels: [image, image, image]) : image
    let (working, scaleX, scaleY) = shrunk(rgb)
    let hierarchies = try hierarchies(for: working)
    return ranked(
      hierarchies, scaleX: scaleX, scaleY: scaleY, width: Float(image.width),
      height: Float(image.height))
  }

  /// The merge hierarchy of every strategy, in strategy order.
  ///
  /// The stages share one pool of `threads` workers, with no barrier between them. Per colour
  /// space, four jobs (``SpaceStage``): the per-pixel histogram bins; the segmentations of
  /// every *k* of that space (sharing one blurred image and one sorted edge graph); and the
  /// histogram counts of the initial regions, over the first and the second half of the
  /// pixels, which wait for the space's bins and segmentations (the second adds the first's
  /// counts and builds the initial regions; the label maps and bins are dropped there). So on
  /// two threads a space's bins are computed while it is segmented and its histograms are
  /// counted on both cores, which is what lets a single-strategy preset use a second core.
  /// Then one job per strategy: the grouping, on a copy of its segmentation's histograms,
  /// waiting if its colour space's regions are not ready. Producers come before their
  /// consumers in the job order (``spaceStages(count:)``; groupings last), so a worker that
  /// finds no colour-space job left starts on the groupings of the spaces already done.
  func hierarchies(for image: Image) throws -> [MergeHierarchy] {
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
    let keys = spaces.map { space in segmentationKeys(in: space) }
    let segmenters = spaces.indices.map { space in
      keys[space].map {
        FelzenszwalbSegmentation(
          threshold: $0.threshold, sigma: sigma, minimumSize: $0.minimumSize,
          colorSpace: spaces[space], channelWeights: $0.channelWeights)
      }
    }
    // One edge graph per colour space and channel weighting (its memory is taken when the
    // first band is packed and given back after the segmentations).
    let graphs = try segmenters.map { segmenters in
      var graphs: [FelzenszwalbGraph] = []
      for segmenter in segmenters where !graphs.contains(where: { segmenter.sharesGraph(with: $0.parameters) }) {
        graphs.append(try FelzenszwalbGraph(image: image, parameters: segmenter, bands: Self.graphBands))
      }
      return graphs
    }
    let packedBands = ResultSlots<Void>(count: spaces.count * Self.graphBands)
    let bins = ResultSlots<PixelBins>(count: spaces.count)
    let segmentations = ResultSlots<[SegmentationResult]>(count: spaces.count)
    let firstHalf = ResultSlots<[RegionHistograms.Counts]>(count: spaces.count)
    let initial = ResultSlots<[SegmentationKey: InitialRegions]>(count: spaces.count)
    let pixels = image.width * image.height
    let stages = Self.spaceStages(count: spaces.count)
    let results = try orderedParallelMap(count: stages.count + strategies.count, threads: threads) {
      job -> MergeHierarchy? in
      if job < stages.count {
        let (stage, space) = stages[job]
        switch stage {
        case .bins:
          bins.put(space) { PixelBins(rgb: image, space: spaces[space]) }
        case .graphBand(let band):
          packedBands.put(space * Self.graphBands + band) {
            for graph in graphs[space] { graph.pack(band: band) }
          }
        case .segmentations:
          segmentations.put(space) {
            for band in 0..<Self.graphBands { try packedBands.remove(space * Self.graphBands + band) }
            var results = [SegmentationResult?](repeating: nil, count: keys[space].count)
            for graph in graphs[space] {
              let indices = keys[space].indices.filter {
                segmenters[space][$0].sharesGraph(with: graph.parameters)
              }
              let segmented = graph.segment(with: indices.map { segmenters[space][$0] })
              for (index, result) in zip(indices, segmented) { results[index] = result }
            }
            return results.map { $0! }
          }
        case .firstHalfCounts:
          firstHalf.put(space) {
            try counts(
              keys[space], segmentations.take(space), bins.take(space), pixels: 0..<(pixels / 2))
          }
        case .initialRegions:
          initial.put(space) {
            let segmented = try segmentations.take(space)
            let spaceBins = try bins.take(space)
            var total = counts(keys[space], segmented, spaceBins, pixels: (pixels / 2)..<pixels)
            // The first half's job is done with the label maps and bins once its counts are
            // in: the slots give them up (freed when this job's copies go).
            let first = try firstHalf.remove(space)
            _ = try segmentations.remove(space)
            _ = try bins.remove(space)
            var result: [SegmentationKey: InitialRegions] = [:]
            for index in keys[space].indices {
              total[index].add(first[index])
              let regions = segmented[index].regions
              result[keys[space][index]] = InitialRegions(
                regions: regions,
                histograms: RegionHistograms(
                  counts: total[index], sizes: regions.map(\.size), channels: spaceBins.channels))
            }
            return result
          }
        }
        return nil
      }
      let strategy = strategies[job - stages.count]
      let start = try initial.take(spaces.firstIndex(of: strategy.colorSpace)!)[
        strategy.segmentationKey]!
      let set = strategy.similarity
      return HierarchicalGrouping.group(
        regions: start.regions,
        histograms: start.histograms.keeping(
          colour: set.contains(.colour), texture: set.contains(.texture)),
        similarity: Similarity(set: set, imageSize: Float(pixels)))
    }
    return results.dropFirst(stages.count).map { $0! }
  }

  /// The colour-space jobs of ``hierarchies(for:)``, one of each per colour space.
  enum SpaceStage: Equatable {
    /// The edge graphs' band `band` of ``graphBands`` (conversion, blur and edges of its rows).
    case graphBand(Int)
    /// The per-pixel histogram bins.
    case bins
    /// The segmentations of every key of the space.
    case segmentations
    /// The initial regions' histogram counts over the first half of the pixels.
    case firstHalfCounts
    /// The counts over the second half, added to the first's, and the initial regions.
    case initialRegions
  }

  /// The colour-space jobs in the order they are handed out: each space's bins and
  /// segmentations, and its two counting jobs after the next space's bins and segmentations,
  /// so a worker done with a space's bins starts the next space instead of waiting for the
  /// segmentations (at most two spaces' bins and label maps are held at once on one thread).
  static func spaceStages(count: Int) -> [(SpaceStage, Int)] {
    var order: [(SpaceStage, Int)] = []
    for space in 0..<count {
      order += (0..<graphBands).map { (.graphBand($0), space) }
      order += [(.bins, space), (.segmentations, space)]
      if space > 0 { order += [(.firstHalfCounts, space - 1), (.initialRegions, space - 1)] }
    }
    if count > 0 { order += [(.firstHalfCounts, count - 1), (.initialRegions, count - 1)] }
    return order
  }

  /// The edge graphs are built in two bands of rows, packed by two jobs (so two threads
  /// share a colour space's graph; the result is the same for any band count).
  static let graphBands = 2

  /// The distinct segmentation keys of the strategies in `space`, in strategy order.
  private func segmentationKeys(in space: ColorSpace) -> [SegmentationKey] {
    var keys: [SegmentationKey] = []
    for strategy in strategies where strategy.colorSpace == space {
      if !keys.contains(strategy.segmentationKey) { keys.append(strategy.segmentationKey) }
    }
    return keys
  }

  /// The histogram counts over `pixels` of each of `segmentations` (one per key), counting
  /// only the histograms the key's strategies read.
  private func counts(
    _ keys: [SegmentationKey], _ segmentations: [SegmentationResult], _ bins: PixelBins,
    pixels: Range<Int>
  ) -> [RegionHistograms.Counts] {
    zip(keys, segmentations).map { key, segmentation in
      let sets = strategies.filter { $0.segmentationKey == key }.map(\.similarity)
      return RegionHistograms.Counts(
        labels: segmentation.labels.labels, pixels: pixels,
        regionCount: segmentation.regions.count, bins: bins,
        colour: sets.contains { $0.contains(.colour) },
        texture: sets.contains { $0.contains(.texture) })
    }
  }

  /// The initial regions of one segmentation with the histograms its strategies read.
  struct InitialRegions: Sendable {
    var regions: [Region]
    var histograms: RegionHistograms
  }

  /// The image shrunk to ``maximumSide`` and the factors that map its boxes back.
  private func shrunk(_ image: Image) -> (Image, Float, Float) {
    guard let maximumSide, max(image.width, image.height) > maximumSide else {
      return (image, 1, 1)
    }
    let scale = Double(maximumSide) / Double(max(image.width, image.height))
    let width = max(1, Int((Double(image.width) * scale).rounded()))
    let height = max(1, Int((Double(image.height) * scale).rounded()))
    let small = image.resized(width: width, height: height)
    return (small, Float(image.width) / Float(width), Float(image.height) / Float(height))
  }

  private func validate(_ image: Image) throws(ProposalsError) {
    func invalid(_ field: String, _ value: Any, _ expected: String) -> ProposalsError {
      .invalidParameter(
        generator: "SelectiveSearch", field: field, value: "\(value)", expected: expected)
    }
    guard !strategies.isEmpty else { throw invalid("strategies", "[]", "at least one strategy") }
    for (index, strategy) in strategies.enumerated() {
      guard strategy.threshold.isFinite && strategy.threshold >= 0 else {
        throw invalid("strategies[\(index)].threshold", strategy.threshold, "a finite value >= 0")
      }
      guard strategy.minimumSegmentSize >= 0 else {
        throw invalid(
          "strategies[\(index)].minimumSegmentSize", strategy.minimumSegmentSize, "a value >= 0")
      }
      guard !strategy.similarity.isEmpty else {
        throw invalid("strategies[\(index)].similarity", "none", "at least one of C, T, S, F")
      }
      if let weights = strategy.channelWeights,
        let expected = FelzenszwalbSegmentation.channelWeightsProblem(weights, in: strategy.colorSpace)
      {
        throw invalid("strategies[\(index)].channelWeights", weights, expected)
      }
    }
    guard sigma.isFinite && sigma >= 0 else { throw invalid("sigma", sigma, "a finite value >= 0") }
    if let maxProposals, maxProposals < 0 {
      throw invalid("maxProposals", maxProposals, "a value >= 0")
    }
    guard minimumSide.isFinite && minimumSide >= 0 else {
      throw invalid("minimumSide", minimumSide, "a finite value >= 0")
    }
    guard maximumAspectRatio >= 1 else {
      throw invalid("maximumAspectRatio", maximumAspectRatio, "a value >= 1")
    }
    if let maximumSide, maximumSide < 1 {
      throw invalid("maximumSide", maximumSide, "a value >= 1")
    }
    guard threads >= 1 else { throw invalid("threads", threads, "a value >= 1") }
    guard image.channels == 1 || image.channels == 3 else {
      throw invalid("image.channels", image.channels, "1 (grey) or 3 (RGB)")
    }
  }
}
