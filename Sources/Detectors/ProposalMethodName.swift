import Proposals

/// The proposal methods a Fast R-CNN or R-CNN model can name in `config.json`, built with the
/// library's defaults.
public enum ProposalMethodName {
  /// The names ``generator(named:maxProposals:)`` knows.
  public static let known = ["selective-search", "edge-boxes", "segments", "sliding-window"]

  /// The generator called `name` with the library's defaults, keeping `maxProposals`
  /// proposals, on one thread; nil for any other name (a proposals file, `"rpn"`).
  public static func generator(named name: String, maxProposals: Int) -> (any ProposalGenerator)? {
    switch name {
    case "selective-search": SelectiveSearch(maxProposals: maxProposals, threads: 1)
    case "edge-boxes": EdgeBoxes(maxBoxes: maxProposals)
    case "segments": SegmentBoxes(maxProposals: maxProposals)
    case "sliding-window": SlidingWindow(maxProposals: maxProposals)
    default: nil
    }
  }
}
