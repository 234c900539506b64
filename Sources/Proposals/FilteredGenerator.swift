import Imaging
import ProposalIO

/// A generator whose output passes through a ``ProposalFilter``.
///
///     let generator = SlidingWindow().filtered(ProposalFilter(minSide: 20, top: 1000))
///
/// - Parameters:
///   - base: The generator whose proposals are filtered.
///   - filter: The filter applied to every image's proposals.
public struct FilteredGenerator: ProposalGenerator {
  public var base: any ProposalGenerator
  public var filter: ProposalFilter

  public init(base: any ProposalGenerator, filter: ProposalFilter) {
    self.base = base
    self.filter = filter
  }

  /// The base generator's name: filtering does not change the method.
  public var name: String { base.name }

  public func proposals(for image: Image) throws -> [Proposal] {
    try filter.validate()
    return filter.apply(try base.proposals(for: image))
  }
}

extension ProposalGenerator {
  /// This generator with `filter` applied to its output.
  public func filtered(_ filter: ProposalFilter) -> FilteredGenerator {
    FilteredGenerator(base: self, filter: filter)
  }
}
