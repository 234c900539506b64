import Boxes
import ProposalIO

/// Drops proposals by size and shape and keeps the best *N*: a post-processing step for any
/// generator.
///
///     let filter = ProposalFilter(minSide: 16, maxAspectRatio: 4, top: 300)
///     let kept = filter.apply(try EdgeBoxes().proposals(for: image))
///     // or wrap a generator:
///     let generator = EdgeBoxes().filtered(filter)
///
/// - Parameters:
///   - minSide: Boxes whose width or height is below this many pixels are dropped, `>= 0`.
///     Default: `0`.
///   - minArea: Boxes with a smaller area (square pixels) are dropped, `>= 0`. Default: `0`.
///   - maxAspectRatio: Boxes whose longer side exceeds this multiple of the shorter are
///     dropped, `>= 1`. Default: `.infinity`.
///   - top: At most this many proposals are kept, best first; `nil` keeps all. Default: `nil`.
/// - Complexity: O(*N*); the input order (best first) is kept.
public struct ProposalFilter: Sendable, Hashable {
  public var minSide: Float
  public var minArea: Float
  public var maxAspectRatio: Float
  public var top: Int?

  public init(
    minSide: Float = 0, minArea: Float = 0, maxAspectRatio: Float = .infinity, top: Int? = nil
  ) {
    self.minSide = minSide
    self.minArea = minArea
    self.maxAspectRatio = maxAspectRatio
    self.top = top
  }

  /// Checks the parameters.
  ///
  /// - Throws: ``ProposalsError/invalidParameter(generator:field:value:expected:)``.
  public func validate() throws(ProposalsError) {
    func fail(_ field: String, _ value: Any, _ expected: String) -> ProposalsError {
      .invalidParameter(generator: "filter", field: field, value: "\(value)", expected: expected)
    }
    guard minSide >= 0 else { throw fail("minSide", minSide, "a value >= 0") }
    guard minArea >= 0 else { throw fail("minArea", minArea, "a value >= 0") }
    guard maxAspectRatio >= 1 else { throw fail("maxAspectRatio", maxAspectRatio, "a value >= 1") }
    if let top, top < 0 { throw fail("top", top, "0 or more") }
  }

  /// Whether `box` passes the size and shape tests.
  public func accepts(_ box: Box) -> Bool {
    let w = box.width, h = box.height
    guard w >= minSide, h >= minSide, w * h >= minArea, w > 0, h > 0 else { return false }
    return max(w, h) <= maxAspectRatio * min(w, h)
  }

  /// The proposals that pass, in their order, cut to `top`.
  public func apply(_ proposals: [Proposal]) -> [Proposal] {
    var kept: [Proposal] = []
    for proposal in proposals where accepts(proposal.box) {
      if let top, kept.count >= top { break }
      kept.append(proposal)
    }
    return kept
  }
}
