import Boxes
import Foundation
import Imaging
import ProposalIO
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
///     ``/Boxes/SplitMix64`` stream derived from `seed` and *i*. Default: `0`.
///   - maxProposals: Keep at most this many proposals, best first; `nil` keeps all.
///     Default: `nil`.
///   - minimumSide: Drop boxes whose width or height is below this, in pixels of the input
///     image. Default: `0` (keep all).
///   - maximumAspectRatio: Drop boxes whose longer side exceeds this many times the
///     shorter one. Default: `.infinity` (keep all).
///   - maximumSide: Shrink images whose longer side exceeds this many pixels before the
///     search (bilinear), and scale the boxes back; `nil` never shrinks. Default: `nil`.
///   - threads: The work (per colour space: edge-graph bands, sort, one merge pass per *k*,
///     histogram bins, histogram counts; and one grouping per strategy) runs on up to this
///     many threads, so even one strategy uses several cores; `1` runs on the calling
///     thread. The output is the same for every value. Default: the number of active
///     processors.
/// - Returns: From ``proposals(for:)``: proposals best first, with `score = 1 / value` for
///   the ranking value above (higher is better) and provenance naming the colour space,
///   *k*, similarity set and the hierarchy position (`level`, 1 = the last merge).
/// - Throws: ``ProposalsError/invalidParameter(generator:field:value:expected:)`` for an
///   empty strategy list, an empty similarity set, a negative or non-finite parameter, or
///   an image that has neither 1 (grey, replicated to RGB) nor 3 channels.
/// - Complexity: Per strategy, O(*n*) for *n* pixels (segmentation with a bucketed sort and
///   one histogram pass) plus the grouping, O(*D* (*h* + log *D*)) for *D* the sum of the
///   merged regions' neighbour counts and *h* = 315 histogram bins (3 channels). Memory:
///   the colour spaces' heavy stages run one at a time, so the search's own peak does not
///   grow with the number of spaces: 57–76 bytes per pixel at 3 and 12 megapixels for the
///   single, fast and quality presets on 1 and 2 threads (`Docs/benchmarks.md`, *Memory*).
///
/// Differences from the paper (strategies without ``Strategy/followsOpenCV``, such as the
/// paper's presets): the segmentation is the library's
/// ``/Segmentation/FelzenszwalbSegmentation`` (8-connected on exact channels); texture uses
/// Sobel derivatives of the image blurred with sigma 1 (the paper's Gaussian derivatives)
/// split into positive and negative parts along 4 axes for the 8 orientations, binned up to
/// the image's largest response; similarities are summed, not averaged (same merge order).
/// Strategies with ``Strategy/followsOpenCV`` (the `opencv-` presets) are computed as OpenCV
/// ximgproc computes them instead (`openCVHierarchies(for:strategies:)`) and ranked by
/// level, as OpenCV ranks. Checked against `Fixtures/goldens/selective_search_opencv.json`
/// (OpenCV 5.1, single, fast and quality strategies on 44 crops and resizes of the fixture
/// photos; required per image: count within 10 % and 0.90 of OpenCV's boxes matched at
/// IoU 0.7, means 0.95 at IoU 0.7 and 0.85 at 0.9; measured: every box set identical),
/// against `Fixtures/goldens/selective_search.json` (OpenCV 5.0 single strategy: identical)
/// and by a recall floor on `Fixtures/dataset`.
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
  /// - Parameters:
  ///   - mode: The diversification preset. Default: ``Mode/fast``.
  ///   - sigma: Pre-blur of the segmentation, in pixels. Default: `0.8`.
  ///   - seed: Seed of the ranking's random numbers. Default: `0`.
  ///   - maxProposals: Keep at most this many proposals, best first; `nil` keeps all.
  ///     Default: `nil`.
  ///   - minimumSide: Drop boxes narrower or lower than this, in input pixels. Default: `0`.
  ///   - maximumAspectRatio: Drop boxes more elongated than this. Default: `.infinity`.
  ///   - maximumSide: Shrink larger images to this longer side first; `nil` never shrinks.
  ///     Default: `nil`.
  ///   - threads: Threads for one image; the output is the same for every value. Default:
  ///     the number of active processors.
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
    let hierarchies = try allHierarchies(for: working)
    return ranked(
      hierarchies, scaleX: scaleX, scaleY: scaleY, width: Float(image.width),
      height: Float(image.height))
  }

  /// The merge hierarchy of every strategy, in strategy order: those that follow OpenCV from
  /// `openCVHierarchies(for:strategies:)`, the others from ``hierarchies(for:)``.
  func allHierarchies(for image: Image) throws -> [MergeHierarchy] {
    let openCV = strategies.indices.filter { strategies[$0].followsOpenCV }
    if openCV.isEmpty { return try hierarchies(for: image) }
    let openCVResults = try openCVHierarchies(
      for: image, strategies: openCV.map { strategies[$0] })
    if openCV.count == strategies.count { return openCVResults }
    var others = self
    others.strategies = strategies.filter { !$0.followsOpenCV }
    var otherResults = try others.hierarchies(for: image)[...]
    var openCVRemaining = openCVResults[...]
    return strategies.map {
      $0.followsOpenCV ? openCVRemaining.removeFirst() : otherResults.removeFirst()
    }
  }

  /// The merge hierarchy of every strategy, in strategy order.
  ///
  /// The work is cut into small jobs that share one pool of `threads` workers, with no
  /// barrier between them. Per colour space (``SpaceStage``): its edge graph in two bands of
  /// rows (conversion, blur and edges of each band); the sort of the graph; one merge pass per
  /// segmentation key (each *k* of the space, on the shared sorted graph); its per-pixel
  /// histogram bins, in bands of rows on all threads; and the histogram counts of the initial
  /// regions, on several threads over the first and the second half of the pixels in two jobs
  /// (the second adds the first's and builds the initial regions), on one thread in one. Then
  /// one job per strategy of the space: the grouping, on a copy of its segmentation's
  /// histograms, right after the space's initial regions. The memory-heavy stages of one space run
  /// one after the other and the next space's start once the previous space's bins and label
  /// maps are freed, so the peak memory is that of one stage. What to compute and each step
  /// is in `SelectiveSearch+Plan.swift` (``plan()``); the job order and the hand-over between
  /// jobs in `SelectiveSearch+Stages.swift` (``HierarchyJobs``). The pieces are small enough
  /// that two threads share even a single-strategy preset; results are placed by index, so
  /// the output is the same for any thread count.
  func hierarchies(for image: Image) throws -> [MergeHierarchy] {
    try HierarchyJobs(search: self, plan: plan(), image: image).run(threads: threads)
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
        let expected = FelzenszwalbSegmentation.channelWeightsProblem(
          weights, in: strategy.colorSpace)
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
