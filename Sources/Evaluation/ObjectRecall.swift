import Boxes

/// How well the proposals of one image cover one ground-truth object.
///
/// For each proposal count *N* of the evaluation (``RecallSummary/proposalCounts``), the
/// best IoU between the object and any of the image's first *N* proposals, and which
/// proposal reached it.
///
///     let object = report.images[0].objects[0]
///     object.bestIoU.last       // best IoU over the largest N
///     object.bestProposalIndex.last ?? nil   // its rank in the proposal list
public struct ObjectRecall: Sendable, Hashable {
  /// The object's index in ``/Datasets/DatasetImage/annotations``.
  public var annotationIndex: Int
  /// The ground-truth box, in the dataset image's pixels.
  public var box: Box
  /// The contiguous label of its category.
  public var label: Int
  /// Its size class by box area.
  public var size: ObjectSize
  /// `bestIoU[k]`: the best IoU over the first `proposalCounts[k]` proposals (0 when none
  /// overlaps). Non-decreasing in `k`.
  public var bestIoU: [Double]
  /// `bestProposalIndex[k]`: the 0-based rank of the proposal that reached `bestIoU[k]`
  /// (the first one on ties), or `nil` when no proposal overlaps the object.
  public var bestProposalIndex: [Int?]
  /// `bestProposal[k]`: that proposal's box in the dataset image's pixels, or `nil`.
  public var bestProposal: [Box?]

  /// Creates an object record.
  ///
  /// - Parameters:
  ///   - annotationIndex: The index in the image's annotations.
  ///   - box: The ground-truth box, in pixels.
  ///   - label: The contiguous label.
  ///   - size: The size class.
  ///   - bestIoU: Best IoU per proposal count.
  ///   - bestProposalIndex: Rank of the best proposal per proposal count.
  ///   - bestProposal: Box of the best proposal per proposal count.
  public init(
    annotationIndex: Int, box: Box, label: Int, size: ObjectSize, bestIoU: [Double],
    bestProposalIndex: [Int?], bestProposal: [Box?]
  ) {
    precondition(
      bestIoU.count == bestProposalIndex.count && bestIoU.count == bestProposal.count,
      "ObjectRecall: per-count arrays differ in length")
    self.annotationIndex = annotationIndex
    self.box = box
    self.label = label
    self.size = size
    self.bestIoU = bestIoU
    self.bestProposalIndex = bestProposalIndex
    self.bestProposal = bestProposal
  }
}
