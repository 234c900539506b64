import Boxes
import Detectors
import Imaging

/// One training image of ``RCNNTrainer`` with its ground truth and proposals, and R-CNN's
/// training-sample selection (Girshick et al. 2014, §2.3 and appendix B–C).
public struct RCNNTrainingImage: Sendable {
  /// One selected region: its box, label (0 background, `1...K` classes) and, for
  /// foreground, the ``/Boxes/BoxCoder`` delta to its ground-truth box.
  public struct Region: Sendable, Hashable {
    /// The region.
    public var box: Box
    /// 0 for background, otherwise the 1-based class.
    public var label: Int
    /// The regression target (foreground only).
    public var target: BoxDelta?

    /// A region.
    public init(box: Box, label: Int, target: BoxDelta? = nil) {
      self.box = box
      self.label = label
      self.target = target
    }
  }

  /// The pixels (RGB, `[0, 1]`).
  public var image: Image
  /// Ground-truth boxes.
  public var boxes: [Box]
  /// Their labels, `1...K`.
  public var labels: [Int]
  /// Proposal boxes, best first.
  public var proposals: [Box]

  /// An image with ground truth (`labels` 1-based) and proposals.
  public init(image: Image, boxes: [Box], labels: [Int], proposals: [Box]) {
    precondition(boxes.count == labels.count, "RCNNTrainingImage: boxes and labels differ")
    self.image = image
    self.boxes = boxes
    self.labels = labels
    self.proposals = proposals
  }

  /// For each proposal, the best IoU with any ground-truth box and that box's index
  /// (-1 without ground truth).
  public func bestOverlaps() -> [(iou: Float, index: Int)] {
    guard !boxes.isEmpty else { return proposals.map { _ in (0, -1) } }
    let matrix = IoUMatrix(rows: proposals, columns: boxes)
    return proposals.indices.map { r in
      var best: (iou: Float, index: Int) = (-1, -1)
      for c in boxes.indices where matrix[r, c] > best.iou { best = (matrix[r, c], c) }
      return best
    }
  }

  /// CNN fine-tuning samples: every ground-truth box and every proposal with IoU ≥
  /// `positiveIoU` as foreground of its best box's class; proposals below as background.
  ///
  /// - Parameters:
  ///   - positiveIoU: Default: 0.5 (the paper).
  ///   - coder: Encodes the box-regression targets.
  public func fineTuningRegions(positiveIoU: Float = 0.5, coder: BoxCoder) -> [Region] {
    var regions = boxes.indices.map {
      Region(
        box: boxes[$0], label: labels[$0], target: coder.encode(boxes[$0], relativeTo: boxes[$0]))
    }
    for (p, best) in bestOverlaps().enumerated() {
      if best.index >= 0 && best.iou >= positiveIoU {
        regions.append(
          Region(
            box: proposals[p], label: labels[best.index],
            target: coder.encode(boxes[best.index], relativeTo: proposals[p])))
      } else {
        regions.append(Region(box: proposals[p], label: 0))
      }
    }
    return regions
  }

  /// SVM negatives: proposals with IoU < `maximumIoU` to every ground-truth box.
  ///
  /// - Parameter maximumIoU: Default: 0.3 (the paper's threshold, chosen by grid search).
  public func negativeProposals(maximumIoU: Float = 0.3) -> [Box] {
    zip(proposals, bestOverlaps()).filter { $0.1.iou < maximumIoU }.map(\.0)
  }

  /// Box-regression samples: proposals with IoU ≥ `minimumIoU` to a ground-truth box, with
  /// that box's class and delta.
  ///
  /// - Parameters:
  ///   - minimumIoU: Default: 0.6 (Girshick et al. 2014, appendix C).
  ///   - coder: Encodes the box-regression targets.
  public func regressionRegions(minimumIoU: Float = 0.6, coder: BoxCoder) -> [Region] {
    zip(proposals, bestOverlaps()).compactMap { proposal, best in
      guard best.index >= 0, best.iou >= minimumIoU else { return nil }
      return Region(
        box: proposal, label: labels[best.index],
        target: coder.encode(boxes[best.index], relativeTo: proposal))
    }
  }
}
