import Boxes
import Imaging
import ProposalIO

/// The sliding-window baseline: windows of several scales and aspect ratios on a regular grid.
///
/// For each scale *s* and aspect ratio *r* (height / width, as torchvision's anchors) the
/// window has area `(s · shortSide)²`, width `s · shortSide / √r` and height
/// `s · shortSide · √r`, clipped to the image; windows step by `stride` times their own size
/// and the last window of each row and column touches the image edge. Without a scorer every
/// window gets a uniform random score from a seeded generator (Hosang et al.'s "uniform"
/// baseline), so the top *N* is a fair sample of all scales; with a scorer the windows are
/// ranked by it.
///
///     let windows = SlidingWindow(scales: [0.25, 0.5, 0.75], maxProposals: 1000)
///     let proposals = try windows.proposals(for: image)
///
/// - Parameters:
///   - scales: Window sides as fractions of the image's shorter side, each in `(0, 1]`.
///     Default: `[0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0]`.
///   - aspectRatios: Height / width of the windows, each positive. Default: `[0.5, 1, 2]`.
///   - stride: Step between windows as a fraction of the window's width (x) and height (y),
///     in `[0.001, 1]`. Default: `0.25`.
///   - maxProposals: At most this many windows are returned, best first. Default: `10000`.
///   - seed: Seed of the random scores when there is no scorer. Default: `0`.
///   - scorer: Ranks windows by objectness when given. Default: `nil`.
/// - Complexity: O(*W*) for *W* windows before the cap, plus the scorer's cost.
///
/// Reference: J. Hosang, R. Benenson, P. Dollár, B. Schiele, "What makes for effective
/// detection proposals?", TPAMI 38(4), 2016 (the sliding-window and uniform baselines).
public struct SlidingWindow: ProposalGenerator {
  public var scales: [Float]
  public var aspectRatios: [Float]
  public var stride: Float
  public var maxProposals: Int
  public var seed: UInt64
  public var scorer: (any WindowScorer)?

  public init(
    scales: [Float] = [0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0], aspectRatios: [Float] = [0.5, 1, 2],
    stride: Float = 0.25, maxProposals: Int = 10000, seed: UInt64 = 0,
    scorer: (any WindowScorer)? = nil
  ) {
    self.scales = scales
    self.aspectRatios = aspectRatios
    self.stride = stride
    self.maxProposals = maxProposals
    self.seed = seed
    self.scorer = scorer
  }

  public var name: String { "sliding-window" }

  /// Every window of the grid, in scale, ratio, row, column order (before ranking).
  ///
  /// - Throws: ``ProposalsError/invalidParameter(generator:field:value:expected:)`` when a
  ///   setting is outside the ranges of the type's parameters (checked here rather than in
  ///   the initialiser, since the properties can be changed after it).
  public func windows(width: Int, height: Int) throws(ProposalsError) -> [(
    box: Box, scale: Float, ratio: Float
  )] {
    try validate()
    let imageWidth = Float(width)
    let imageHeight = Float(height)
    let shortSide = min(imageWidth, imageHeight)
    var windows: [(box: Box, scale: Float, ratio: Float)] = []
    for scale in scales {
      for ratio in aspectRatios {
        let side = scale * shortSide
        let windowWidth = min(side / ratio.squareRoot(), imageWidth)
        let windowHeight = min(side * ratio.squareRoot(), imageHeight)
        guard windowWidth >= 1, windowHeight >= 1 else { continue }
        for y in Self.positions(
          window: windowHeight, extent: imageHeight, step: stride * windowHeight)
        {
          for x in Self.positions(
            window: windowWidth, extent: imageWidth, step: stride * windowWidth)
          {
            windows.append(
              (Box(x1: x, y1: y, x2: x + windowWidth, y2: y + windowHeight), scale, ratio))
          }
        }
      }
    }
    return windows
  }

  public func proposals(for image: Image) throws -> [Proposal] {
    let windows = try windows(width: image.width, height: image.height)
    var generator = SplitMix64(seed: seed)
    var proposals: [Proposal] = []
    proposals.reserveCapacity(windows.count)
    for window in windows {
      let score =
        try scorer?.score(window.box, in: image) ?? Float.random(in: 0..<1, using: &generator)
      proposals.append(
        Proposal(
          box: window.box, score: score,
          provenance: Provenance(
            method: name, strategy: "scale \(window.scale), ratio \(window.ratio)")))
    }
    // Stable: equal scores keep grid order, so the output is deterministic.
    let ranked = proposals.enumerated().sorted {
      $0.element.score != $1.element.score
        ? $0.element.score > $1.element.score : $0.offset < $1.offset
    }
    return ranked.prefix(maxProposals).map(\.element)
  }

  /// Window origins `0, step, 2·step, …` with the last one at `extent - window`.
  static func positions(window: Float, extent: Float, step: Float) -> [Float] {
    let last = extent - window
    guard last > 0 else { return [0] }
    let count = Int((last / step).rounded(.up))
    return (0...count).map { min(Float($0) * step, last) }
  }
}

/// Scores a window by how likely it holds a whole object (higher is more likely).
public protocol WindowScorer: Sendable {
  func score(_ box: Box, in image: Image) throws -> Float
}

extension SlidingWindow {
  /// Refuses settings outside the documented ranges (a zero stride would ask for endless windows).
  func validate() throws(ProposalsError) {
    func refuse(_ field: String, _ value: Any, _ expected: String) -> ProposalsError {
      .invalidParameter(generator: name, field: field, value: "\(value)", expected: expected)
    }
    guard scales.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
      throw refuse("scales", scales, "values in (0, 1]")
    }
    guard aspectRatios.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw refuse("aspectRatios", aspectRatios, "positive finite values")
    }
    guard stride >= 1e-3 && stride <= 1 else { throw refuse("stride", stride, "[0.001, 1]") }
    guard maxProposals >= 0 else { throw refuse("maxProposals", maxProposals, "0 or more") }
  }
}
