import Boxes

/// A candidate object region: a box, a score (higher is better) and where it came from.
///
///     let proposal = Proposal(
///       box: Box(x1: 4, y1: 8, x2: 60, y2: 90), score: 0.82,
///       provenance: Provenance(method: "selective-search", colorSpace: "hsv", k: 100, level: 12))
public struct Proposal: Hashable, Sendable {
  /// The region, in pixel-edge coordinates of the image it was proposed for.
  public var box: Box
  /// The generator's ranking score; proposals are ranked by decreasing score.
  public var score: Float
  /// How the proposal was made.
  public var provenance: Provenance

  public init(box: Box, score: Float, provenance: Provenance) {
    self.box = box
    self.score = score
    self.provenance = provenance
  }
}

/// Where a proposal came from, so users can analyse and combine generators.
///
/// `method` is always set; the other fields are set by the generators they apply to
/// (selective search sets all of them, a sliding window only `method` and `strategy`).
/// In JSON the keys are `method`, `color_space`, `k`, `strategy` and `level`.
public struct Provenance: Hashable, Sendable, Codable {
  /// The generator, e.g. `"selective-search"`, `"edge-boxes"`, `"sliding-window"`.
  public var method: String
  /// The colour space the generator worked in, e.g. `"hsv"`.
  public var colorSpace: String?
  /// The segmentation threshold *k* of graph-based methods.
  public var k: Float?
  /// The strategy within the method, e.g. selective search's similarity set `"C+T+S+F"`.
  public var strategy: String?
  /// The hierarchy level (selective search) or search stage that produced the box.
  public var level: Int?

  public init(
    method: String, colorSpace: String? = nil, k: Float? = nil, strategy: String? = nil,
    level: Int? = nil
  ) {
    self.method = method
    self.colorSpace = colorSpace
    self.k = k
    self.strategy = strategy
    self.level = level
  }

  enum CodingKeys: String, CodingKey {
    case method
    case colorSpace = "color_space"
    case k, strategy, level
  }
}
