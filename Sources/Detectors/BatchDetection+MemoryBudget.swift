import Foundation
import Imaging
import Proposals

extension BatchDetection {
  /// The memory one image takes beyond its decoded pixels: the proposal generator the
  /// detector runs on it, at the size it runs at. Networks and precomputed proposals are not
  /// counted (their memory does not grow with the file's pixels: Fast and Faster R-CNN
  /// resize their input to `maxSide`).
  struct ImageMemoryEstimate: PeakMemoryEstimating {
    /// The generator run on each image, `nil` when none runs (a proposals file, an RPN).
    var generator: (any ProposalGenerator)?
    /// The longer side the generator sees (Fast R-CNN's input size), `nil` for the decoded
    /// image itself.
    var workingSide: Int?

    func estimatedPeakMemory(width: Int, height: Int) -> Int {
      guard let generator else { return 0 }
      let size = MemoryEstimate.shrunkSize(width: width, height: height, maxSide: workingSide)
      return generator.estimatedPeakMemory(width: size.width, height: size.height)
    }
  }

  /// What `detector` runs on each image with `proposals` (as the batch run does), and the name
  /// of the method that decides the estimate.
  static func memoryEstimate(of detector: any Detector, proposals: ProposalSource?) -> (
    method: String, estimate: ImageMemoryEstimate
  ) {
    let generator: (any ProposalGenerator)? =
      switch (proposals, detector) {
      case (.generator(let generator)?, _): generator
      case (.file?, _): nil
      case (nil, let rcnn as RCNN): rcnn.proposalGenerator
      case (nil, let fast as FastRCNN): fast.proposalGenerator
      default: nil
      }
    let workingSide = (detector as? FastRCNN)?.configuration.maxSide
    return (
      generator.map { "\(type(of: detector)) with \($0.name)" } ?? "\(type(of: detector))",
      ImageMemoryEstimate(generator: generator, workingSide: workingSide)
    )
  }

  /// Throws when `budget` refuses the image at `url`, decoded with its longer side at most
  /// `side`, judged from its header before it is decoded; a header that cannot be read is left
  /// for the decoder to report.
  static func checkMemory(
    _ url: URL, side: Int?, detector: any Detector, proposals: ProposalSource?,
    budget: MemoryBudget
  ) throws(MemoryBudgetError) {
    guard budget.limit != nil, let info = try? ImageInfo.read(contentsOf: url) else { return }
    let (method, estimate) = memoryEstimate(of: detector, proposals: proposals)
    try budget.check(
      file: url.path, width: info.uprightWidth, height: info.uprightHeight,
      maxSide: side, method: method, estimator: estimate)
  }
}
