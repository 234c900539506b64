import Imaging
import ProposalIO

/// Anything that proposes object regions for an image: the shared protocol of every method.
///
/// Conform a type to add your own generator; every RegionKit tool (`regionkit propose`,
/// `regionkit evaluate`, the detectors) then accepts it.
///
///     struct CentreBox: ProposalGenerator {
///       var name: String { "centre-box" }
///       func proposals(for image: Image) throws -> [Proposal] {
///         let box = Box(x1: Float(image.width) / 4, y1: Float(image.height) / 4,
///                       x2: Float(image.width) * 3 / 4, y2: Float(image.height) * 3 / 4)
///         return [Proposal(box: box, score: 1, provenance: Provenance(method: name))]
///       }
///     }
///
/// Requirements: proposals are ranked best first (decreasing score), boxes are in the
/// image's pixel-edge coordinates and inside it, and the same image gives the same output
/// on every run (take an explicit seed for any randomness).
///
/// A generator also tells how much memory it needs for an image size
/// (``/Imaging/PeakMemoryEstimating/estimatedPeakMemory(width:height:)``), so that a
/// ``/Imaging/MemoryBudget`` can refuse an image before decoding it; the default, `0`, counts
/// only the decoded image.
public protocol ProposalGenerator: Sendable, PeakMemoryEstimating {
  /// A short, stable, kebab-case name used in reports and provenance, e.g. `"sliding-window"`.
  var name: String { get }

  /// Proposals for `image` (RGB, values in `[0, 1]`), best first.
  func proposals(for image: Image) throws -> [Proposal]
}

extension ProposalGenerator {
  /// `0`: a generator that does not estimate its peak memory counts for nothing in a
  /// ``/Imaging/MemoryBudget`` check, which then weighs only the decoded image. RegionKit's
  /// generators each give a measured estimate.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int { 0 }
}
