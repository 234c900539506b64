import Boxes
import Datasets
import ProposalIO

/// Measures how well ranked proposals cover a dataset's ground truth: recall at IoU
/// thresholds, recall versus the number of proposals, average recall (AR), ABO and MABO.
///
/// For each image, every ground-truth object gets its best IoU among the first *N*
/// proposals for every *N* of ``Configuration/proposalCounts`` at once: one pass over the
/// ranked proposals keeps each object's running maximum and records it as the pass crosses
/// each *N*. An object counts as recalled at threshold *t* with *N* proposals when that best
/// IoU is at least *t*. Images with fewer than *N* proposals use all they have.
///
///     let records = try ProposalFile.read(contentsOf: URL(fileURLWithPath: "ss.jsonl"))
///     let dataset = try Dataset.load(from: URL(fileURLWithPath: "data/coco-tiny"))
///     let report = try ProposalEvaluation().evaluate(records: records, dataset: dataset)
///     report.summary.averageRecall(proposals: 1000)
///
/// Records are matched to dataset images by file name (``/ProposalIO/ProposalRecord/image``
/// equal to ``/Datasets/DatasetImage/fileName``). Images without a record, or whose record
/// has an `error`, count as having no proposals and are listed in the summary. When a
/// record's `width`/`height` differ from the dataset's (proposals made on a downscaled
/// image), its boxes are scaled to the dataset's pixels first.
///
/// Average recall follows Hosang et al.: AR = 2 ∫_{0.5}^{1} recall(o) do, which with the
/// default thresholds 0.5:0.05:0.95 is computed as the mean recall over those ten thresholds
/// (the left Riemann sum 2 · Σ 0.05 · recall(tᵢ)). ABO of a category is the mean best IoU of
/// its objects and MABO the mean ABO over categories that have objects (Uijlings et al.).
///
/// - Complexity: O(*G* · *P* + *G* · *K*) per image for *G* objects, *P* proposals (at most
///   the largest count) and *K* counts.
///
/// References: J. Hosang, R. Benenson, P. Dollár, B. Schiele, "What makes for effective
/// detection proposals?", TPAMI 38(4), 2016, <https://doi.org/10.1109/TPAMI.2015.2465908>;
/// J. R. R. Uijlings et al., "Selective Search for Object Recognition", IJCV 104(2), 2013,
/// <https://doi.org/10.1007/s11263-013-0620-5>.
public struct ProposalEvaluation: Sendable {
  /// What to evaluate.
  public struct Configuration: Sendable, Hashable, Codable {
    /// IoU thresholds of the recall table, each in 0...1. Default: 0.5, 0.55, …, 0.95.
    public var iouThresholds: [Double]
    /// Proposal counts *N*, strictly increasing, each ≥ 1. Default: 1, 2, 5, 10, 20, 50,
    /// 100, 200, 500, 1000, 2000, 5000, 10000.
    public var proposalCounts: [Int]
    /// Evaluate COCO crowd boxes as objects too. Default: `false`.
    public var includeCrowd: Bool
    /// Evaluate Pascal VOC `difficult` objects too. Default: `false`.
    public var includeDifficult: Bool

    /// The thresholds 0.5:0.05:0.95, written as exact decimals.
    public static let defaultIoUThresholds: [Double] = (0..<10).map { Double(50 + 5 * $0) / 100 }
    /// The counts 1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000 (300 gives
    /// AR@300, a common operating point).
    public static let defaultProposalCounts = [
      1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000,
    ]

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - iouThresholds: IoU thresholds in 0...1. Default: 0.5:0.05:0.95.
    ///   - proposalCounts: Strictly increasing counts ≥ 1. Default: 1 … 10000.
    ///   - includeCrowd: Evaluate crowd boxes. Default: `false`.
    ///   - includeDifficult: Evaluate difficult objects. Default: `false`.
    public init(
      iouThresholds: [Double] = Configuration.defaultIoUThresholds,
      proposalCounts: [Int] = Configuration.defaultProposalCounts,
      includeCrowd: Bool = false, includeDifficult: Bool = false
    ) {
      self.iouThresholds = iouThresholds
      self.proposalCounts = proposalCounts
      self.includeCrowd = includeCrowd
      self.includeDifficult = includeDifficult
    }

    /// Checks the ranges.
    ///
    /// - Throws: ``EvaluationError/invalidConfiguration(field:value:reason:)``.
    public func validate() throws {
      if iouThresholds.isEmpty || iouThresholds.contains(where: { !(0...1).contains($0) }) {
        throw EvaluationError.invalidConfiguration(
          field: "iouThresholds", value: "\(iouThresholds)",
          reason: "needs at least one value, each in 0...1")
      }
      if proposalCounts.isEmpty || proposalCounts[0] < 1
        || zip(proposalCounts, proposalCounts.dropFirst()).contains(where: { $0 >= $1 })
      {
        throw EvaluationError.invalidConfiguration(
          field: "proposalCounts", value: "\(proposalCounts)",
          reason: "needs at least one count, each >= 1, strictly increasing")
      }
    }
  }

  /// The thresholds, counts and filters.
  public var configuration: Configuration

  /// Creates an evaluation.
  ///
  /// - Parameter configuration: Thresholds, counts and filters. Default: `Configuration()`.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Evaluates proposal records against a dataset's ground truth.
  ///
  /// - Parameters:
  ///   - records: One record per image, proposals best first (a proposals JSON Lines file).
  ///   - dataset: The dataset with ground truth.
  ///   - method: The name shown in reports. Default: `nil`, the first proposal's provenance
  ///     method (unless it is `"unknown"`, what files without provenance read as), or
  ///     `"proposals"`.
  /// - Returns: The report; its images follow the dataset's order.
  /// - Throws: ``EvaluationError/duplicateRecord(image:)`` when two records name one image,
  ///   ``EvaluationError/invalidConfiguration(field:value:reason:)`` for a bad configuration.
  /// - Complexity: O(*G* · *P* + *G* · *K*) per image, see the type's documentation.
  public func evaluate(
    records: [ProposalRecord], dataset: Dataset, method: String? = nil
  ) throws -> RecallReport {
    try configuration.validate()
    var recordOf: [String: Int] = [:]
    for (index, record) in records.enumerated() {
      if recordOf.updateValue(index, forKey: record.image) != nil {
        throw EvaluationError.duplicateRecord(image: record.image)
      }
    }
    let known = Set(dataset.images.map(\.fileName))
    let unmatched = records.map(\.image).filter { !known.contains($0) }
    let images = dataset.images.map { image in
      evaluate(image: image, record: recordOf[image.fileName].map { records[$0] })
    }
    let name =
      method ?? records.lazy.compactMap { $0.proposals.first?.provenance.method }
      .first { $0 != "unknown" }
      ?? "proposals"
    return RecallReport(
      method: name, configuration: configuration, categories: dataset.categories,
      images: images, unmatchedRecords: unmatched)
  }

  /// The objects of one image and their best proposals at every count.
  ///
  /// - Parameters:
  ///   - image: A dataset image with its ground truth.
  ///   - record: Its proposals, or `nil` when there is none.
  /// - Returns: The image's result.
  /// - Precondition: The configuration's proposal counts are strictly increasing and ≥ 1
  ///   (``Configuration/validate()`` checks it; ``evaluate(records:dataset:method:)`` calls it).
  /// - Complexity: O(*G* · *P* + *G* · *K*).
  public func evaluate(image: DatasetImage, record: ProposalRecord?) -> ImageRecall {
    let counts = configuration.proposalCounts
    precondition(
      counts.first.map { $0 >= 1 } ?? false
        && zip(counts, counts.dropFirst()).allSatisfy { $0 < $1 },
      "ProposalEvaluation: proposalCounts must be strictly increasing and >= 1, got \(counts)")
    let annotations = image.annotations.enumerated().filter { _, annotation in
      (configuration.includeCrowd || !annotation.isCrowd)
        && (configuration.includeDifficult || !annotation.isDifficult)
    }
    let status: ImageRecall.Status
    var boxes: [Box] = []
    switch (record, record?.error) {
    case (nil, _): status = .missing
    case (_, let reason?): status = .failed(reason: reason)
    case (let record?, nil):
      status = .evaluated
      boxes = Self.scaledBoxes(record, toWidth: image.width, height: image.height)
    }
    let usable = boxes.prefix(counts.last ?? 0)
    let groundTruth = annotations.map(\.element.box)
    var best = [Double](repeating: 0, count: groundTruth.count)
    var bestIndex = [Int?](repeating: nil, count: groundTruth.count)
    var curveIoU = [[Double]](
      repeating: [Double](repeating: 0, count: counts.count), count: groundTruth.count)
    var curveIndex = [[Int?]](
      repeating: [Int?](repeating: nil, count: counts.count), count: groundTruth.count)
    var nextCount = 0
    func snapshot(upTo seen: Int) {
      // Snapshots every count N <= seen: the running maximum over the first N proposals.
      while nextCount < counts.count && counts[nextCount] <= seen {
        for g in groundTruth.indices {
          curveIoU[g][nextCount] = best[g]
          curveIndex[g][nextCount] = bestIndex[g]
        }
        nextCount += 1
      }
    }
    for (rank, proposal) in usable.enumerated() {
      snapshot(upTo: rank)
      for g in groundTruth.indices {
        let iou = Double(groundTruth[g].iou(proposal))
        if iou > best[g] {
          best[g] = iou
          bestIndex[g] = rank
        }
      }
    }
    snapshot(upTo: Int.max)
    let objects = annotations.enumerated().map { g, pair in
      ObjectRecall(
        annotationIndex: pair.offset, box: pair.element.box, label: pair.element.label,
        size: ObjectSize(area: boxArea(pair.element.box)), bestIoU: curveIoU[g],
        bestProposalIndex: curveIndex[g],
        bestProposal: curveIndex[g].map { $0.map { usable[$0] } })
    }
    return ImageRecall(
      imageID: image.id, fileName: image.fileName, width: image.width, height: image.height,
      status: status, proposalCount: boxes.count, seconds: record?.seconds, objects: objects)
  }

  /// The record's boxes in the dataset image's pixels.
  static func scaledBoxes(_ record: ProposalRecord, toWidth width: Int, height: Int) -> [Box] {
    let boxes = record.proposals.map(\.box)
    guard record.width > 0, record.height > 0, record.width != width || record.height != height
    else { return boxes }
    let sx = Float(width) / Float(record.width)
    let sy = Float(height) / Float(record.height)
    return boxes.map { Box(x1: $0.x1 * sx, y1: $0.y1 * sy, x2: $0.x2 * sx, y2: $0.y2 * sy) }
  }
}
