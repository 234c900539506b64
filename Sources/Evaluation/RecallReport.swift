import Datasets

/// The result of a proposal recall evaluation: dataset-level numbers and per-object detail.
///
/// ``summary`` holds recall, AR, ABO/MABO, the size breakdown and timing; ``images`` holds,
/// for every dataset image, each evaluated object's best IoU and best proposal at each
/// proposal count, from which the report's overlays are drawn.
///
///     let report = try ProposalEvaluation().evaluate(records: records, dataset: dataset)
///     print(report.summary.averageRecall(proposals: 1000) ?? 0)
///     let missed = report.missedObjects(iou: 0.5, proposals: 100)
public struct RecallReport: Sendable {
  /// Dataset-level numbers.
  public var summary: RecallSummary
  /// Per-image detail, in dataset order.
  public var images: [ImageRecall]

  /// Aggregates per-image results into dataset-level numbers.
  ///
  /// - Parameters:
  ///   - method: The proposal method's name.
  ///   - configuration: The evaluation's thresholds and counts.
  ///   - categories: The dataset's categories (``/Datasets/Dataset/categories``).
  ///   - images: Per-image results whose objects carry one value per proposal count.
  ///   - unmatchedRecords: Records whose image is not in the dataset. Default: none.
  /// - Complexity: O(*G* · *T* · *K*) for *G* objects, *T* thresholds, *K* counts.
  public init(
    method: String, configuration: ProposalEvaluation.Configuration, categories: [Category],
    images: [ImageRecall], unmatchedRecords: [String] = []
  ) {
    let thresholds = configuration.iouThresholds
    let counts = configuration.proposalCounts
    let objects = images.flatMap(\.objects)

    func recallTable(_ selected: [ObjectRecall]) -> [[Double]] {
      thresholds.map { threshold in
        counts.indices.map { k in
          guard !selected.isEmpty else { return 0 }
          let hits = selected.reduce(0) { $0 + ($1.bestIoU[k] >= threshold ? 1 : 0) }
          return Double(hits) / Double(selected.count)
        }
      }
    }
    func averageRecall(_ table: [[Double]]) -> [Double] {
      counts.indices.map { k in
        table.isEmpty ? 0 : table.reduce(0) { $0 + $1[k] } / Double(table.count)
      }
    }
    func meanBestOverlap(_ selected: [ObjectRecall]) -> [Double] {
      guard !selected.isEmpty else { return [] }
      return counts.indices.map { k in
        selected.reduce(0) { $0 + $1.bestIoU[k] } / Double(selected.count)
      }
    }

    let recall = recallTable(objects)
    var byLabel = [[ObjectRecall]](repeating: [], count: categories.count)
    for object in objects where byLabel.indices.contains(object.label) {
      byLabel[object.label].append(object)
    }
    let categoryOverlaps = categories.map { category in
      RecallSummary.CategoryOverlap(
        label: category.label, name: category.name, objectCount: byLabel[category.label].count,
        averageBestOverlap: meanBestOverlap(byLabel[category.label]))
    }
    let present = categoryOverlaps.filter { $0.objectCount > 0 }
    let mabo = counts.indices.map { k in
      present.isEmpty
        ? 0 : present.reduce(0) { $0 + $1.averageBestOverlap[k] } / Double(present.count)
    }
    let sizes = ObjectSize.allCases.map { size in
      let selected = objects.filter { $0.size == size }
      let table = recallTable(selected)
      return RecallSummary.SizeRecall(
        size: size, objectCount: selected.count, recall: table,
        averageRecall: selected.isEmpty ? counts.map { _ in 0 } : averageRecall(table))
    }
    let timed = images.compactMap(\.seconds)
    let proposalTotal = images.reduce(0) { $0 + $1.proposalCount }
    summary = RecallSummary(
      method: method, iouThresholds: thresholds, proposalCounts: counts,
      imageCount: images.count, objectCount: objects.count, recall: recall,
      averageRecall: averageRecall(recall),
      averageBestOverlap: objects.isEmpty ? counts.map { _ in 0 } : meanBestOverlap(objects),
      meanAverageBestOverlap: mabo, categories: categoryOverlaps, sizes: sizes,
      meanSecondsPerImage: timed.isEmpty ? nil : timed.reduce(0, +) / Double(timed.count),
      meanProposalsPerImage: images.isEmpty ? 0 : Double(proposalTotal) / Double(images.count),
      missingImages: images.filter { $0.status == .missing }.map(\.fileName),
      failedImages: images.filter {
        if case .failed = $0.status { return true } else { return false }
      }.map(\.fileName),
      unmatchedRecords: unmatchedRecords,
      maxProposalsPerImage: images.map(\.proposalCount).max() ?? 0)
    self.images = images
  }

  /// The objects whose best IoU over the first `proposals` proposals is below `iou`.
  ///
  /// - Parameters:
  ///   - iou: The IoU an object needs to count as found, e.g. `0.5`.
  ///   - proposals: One of ``RecallSummary/proposalCounts``.
  /// - Returns: `(image index, object)` pairs in dataset order; empty when `proposals` was
  ///   not evaluated.
  public func missedObjects(iou: Double, proposals: Int) -> [(image: Int, object: ObjectRecall)] {
    guard let k = summary.proposalCounts.firstIndex(of: proposals) else { return [] }
    var missed: [(image: Int, object: ObjectRecall)] = []
    for (index, image) in images.enumerated() {
      for object in image.objects where object.bestIoU[k] < iou {
        missed.append((index, object))
      }
    }
    return missed
  }
}
