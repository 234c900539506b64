/// The dataset-level numbers of a proposal recall evaluation, as written to `summary.json`.
///
/// Arrays indexed by threshold run over ``iouThresholds``, arrays indexed by count over
/// ``proposalCounts``. Look-ups by value go through ``recall(iou:proposals:)`` and
/// ``averageRecall(proposals:)``.
///
///     let summary = report.summary
///     summary.averageRecall(proposals: 1000)       // AR@1000
///     summary.recall(iou: 0.7, proposals: 1000)    // recall at IoU 0.7 with 1000 proposals
public struct RecallSummary: Sendable, Hashable, Codable {
  /// ABO of one category.
  public struct CategoryOverlap: Sendable, Hashable, Codable {
    /// The category's contiguous label.
    public var label: Int
    /// The category's name.
    public var name: String
    /// Number of evaluated objects of the category.
    public var objectCount: Int
    /// Average best overlap per proposal count: the mean over the category's objects of
    /// their best IoU. Empty when the category has no objects.
    public var averageBestOverlap: [Double]
  }

  /// Recall of the objects of one size class.
  public struct SizeRecall: Sendable, Hashable, Codable {
    /// The size class (by ground-truth box area).
    public var size: ObjectSize
    /// Number of evaluated objects of this size.
    public var objectCount: Int
    /// `recall[t][k]` for this size class (0 when it has no objects).
    public var recall: [[Double]]
    /// Average recall per proposal count (0 when it has no objects).
    public var averageRecall: [Double]
  }

  /// The proposal method's name.
  public var method: String
  /// IoU thresholds of the recall rows.
  public var iouThresholds: [Double]
  /// Proposal counts *N* of the columns, ascending.
  public var proposalCounts: [Int]
  /// Number of dataset images.
  public var imageCount: Int
  /// Number of evaluated ground-truth objects.
  public var objectCount: Int
  /// `recall[t][k]`: the fraction of objects whose best IoU over the first
  /// `proposalCounts[k]` proposals is at least `iouThresholds[t]`.
  public var recall: [[Double]]
  /// Average recall per count: the mean of `recall[t][k]` over the thresholds. With the
  /// default thresholds 0.5:0.05:0.95 it equals Hosang et al.'s `2 ∫_{0.5}^{1} recall(o) do`
  /// evaluated as a Riemann sum with step 0.05.
  public var averageRecall: [Double]
  /// Mean best overlap over all objects, per count.
  public var averageBestOverlap: [Double]
  /// Mean over categories (with at least one object) of their ABO, per count (Uijlings et
  /// al.'s MABO).
  public var meanAverageBestOverlap: [Double]
  /// ABO of each category, in label order.
  public var categories: [CategoryOverlap]
  /// Recall split by object size: small, medium, large.
  public var sizes: [SizeRecall]
  /// Mean of the records' `seconds` over the images that have it; `nil` when none has.
  public var meanSecondsPerImage: Double?
  /// Mean number of proposals per dataset image (missing and failed images count as 0).
  public var meanProposalsPerImage: Double
  /// The most proposals any image has: the largest *N* actually measured. Recall at a count
  /// above it equals recall at it, so plots end their curves there. `nil` in summaries
  /// written before it was recorded.
  public var maxProposalsPerImage: Int?
  /// Dataset images with no proposal record, by file name.
  public var missingImages: [String]
  /// Dataset images whose record carries an error, by file name.
  public var failedImages: [String]
  /// Records whose image is not in the dataset, by the record's `image`.
  public var unmatchedRecords: [String]

  /// Creates a summary from its numbers (``RecallReport`` computes them; decoding
  /// `summary.json` gives them back).
  ///
  /// - Parameters:
  ///   - method: The method's name.
  ///   - iouThresholds: IoU thresholds.
  ///   - proposalCounts: Proposal counts, ascending.
  ///   - imageCount: Number of images.
  ///   - objectCount: Number of objects.
  ///   - recall: `recall[t][k]`.
  ///   - averageRecall: AR per count.
  ///   - averageBestOverlap: ABO per count.
  ///   - meanAverageBestOverlap: MABO per count.
  ///   - categories: ABO per category.
  ///   - sizes: Recall per size class.
  ///   - meanSecondsPerImage: Mean seconds per image.
  ///   - meanProposalsPerImage: Mean proposals per image.
  ///   - missingImages: Images without a record.
  ///   - failedImages: Images whose record failed.
  ///   - unmatchedRecords: Records of unknown images.
  ///   - maxProposalsPerImage: The most proposals of any image. Default: `nil` (unknown).
  public init(
    method: String, iouThresholds: [Double], proposalCounts: [Int], imageCount: Int,
    objectCount: Int, recall: [[Double]], averageRecall: [Double], averageBestOverlap: [Double],
    meanAverageBestOverlap: [Double], categories: [CategoryOverlap], sizes: [SizeRecall],
    meanSecondsPerImage: Double?, meanProposalsPerImage: Double, missingImages: [String],
    failedImages: [String], unmatchedRecords: [String], maxProposalsPerImage: Int? = nil
  ) {
    self.method = method
    self.iouThresholds = iouThresholds
    self.proposalCounts = proposalCounts
    self.imageCount = imageCount
    self.objectCount = objectCount
    self.recall = recall
    self.averageRecall = averageRecall
    self.averageBestOverlap = averageBestOverlap
    self.meanAverageBestOverlap = meanAverageBestOverlap
    self.categories = categories
    self.sizes = sizes
    self.meanSecondsPerImage = meanSecondsPerImage
    self.meanProposalsPerImage = meanProposalsPerImage
    self.missingImages = missingImages
    self.failedImages = failedImages
    self.unmatchedRecords = unmatchedRecords
    self.maxProposalsPerImage = maxProposalsPerImage
  }

  /// Recall at one IoU threshold and proposal count.
  ///
  /// - Parameters:
  ///   - iou: One of ``iouThresholds`` (matched within 1e-9).
  ///   - proposals: One of ``proposalCounts``.
  /// - Returns: The recall in 0...1, or `nil` when either value was not evaluated.
  public func recall(iou: Double, proposals: Int) -> Double? {
    guard let t = thresholdIndex(iou), let k = proposalCounts.firstIndex(of: proposals) else {
      return nil
    }
    return recall[t][k]
  }

  /// Average recall at one proposal count.
  ///
  /// - Parameter proposals: One of ``proposalCounts``.
  /// - Returns: AR in 0...1, or `nil` when the count was not evaluated.
  public func averageRecall(proposals: Int) -> Double? {
    proposalCounts.firstIndex(of: proposals).map { averageRecall[$0] }
  }

  /// MABO at one proposal count.
  ///
  /// - Parameter proposals: One of ``proposalCounts``.
  /// - Returns: MABO in 0...1, or `nil` when the count was not evaluated.
  public func meanAverageBestOverlap(proposals: Int) -> Double? {
    proposalCounts.firstIndex(of: proposals).map { meanAverageBestOverlap[$0] }
  }

  /// The evaluated counts worth plotting: those up to the largest *N* measured
  /// (``maxProposalsPerImage``), then that *N* itself, with the index of the column that
  /// holds its values (the first count at or above it: recall no longer changes there).
  ///
  ///     // counts 1, 10, 100, 1000, 10000 and at most 340 proposals per image:
  ///     summary.measuredCounts   // [(1, 0), (10, 1), (100, 2), (340, 3)]
  ///
  /// Every count when ``maxProposalsPerImage`` is unknown; nothing when no image has a
  /// proposal.
  public var measuredCounts: [(count: Int, column: Int)] {
    guard let largest = maxProposalsPerImage else {
      return proposalCounts.enumerated().map { ($1, $0) }
    }
    guard largest > 0 else { return [] }
    var counts = proposalCounts.enumerated().filter { $1 < largest }.map { (count: $1, column: $0) }
    // When every count is below the largest N, the last count is the largest measured.
    if let column = proposalCounts.firstIndex(where: { $0 >= largest }) {
      counts.append((largest, column))
    }
    return counts
  }

  /// The row of ``recall`` for an IoU threshold.
  ///
  /// - Parameter iou: A threshold, matched within 1e-9.
  /// - Returns: Its index in ``iouThresholds``, or `nil`.
  public func thresholdIndex(_ iou: Double) -> Int? {
    iouThresholds.firstIndex { abs($0 - iou) < 1e-9 }
  }
}
