import Boxes
import Datasets
import Evaluation
import Foundation
import Imaging
import Parallel
import ProposalIO
import ProposalRuns
import Proposals

#if canImport(Glibc)
  import Glibc
#endif

/// Measures whether an ``/Proposals/ObjectnessModel`` lifts recall on images it was not
/// trained on: k-fold cross-validation over one dataset's images and transfer from one
/// dataset to another, each against the generator's own ranking of the same proposals.
///
/// ``prepare(dataset:generator:cueSettings:maxSide:threads:progress:)`` runs the generator
/// once per image and computes the cues of every proposal (timing both); the evaluations
/// then only fit models and re-rank, so a k-fold run costs one pass of the generator. Every
/// evaluated image is held out from the model that ranks it. Average recall (AR) is
/// ``/Evaluation/ProposalEvaluation``'s (mean recall over IoU 0.5:0.05:0.95, crowd and
/// difficult objects left out), and each AR comes with its bootstrap standard error over
/// images (resampled with replacement, seeded); the ratio's error is from the same paired
/// resamples.
///
///     let images = try ObjectnessStudy.prepare(dataset: coco, generator: generator)
///     let study = ObjectnessStudy(trainer: ObjectnessTrainer())
///     let folds = try study.crossValidate(images, folds: 5, generator: ("edge-boxes", ""))
///
/// - Complexity: one generator run and one cue computation per image, then per fold one fit
///   (O(iterations · *n* · *d*²)) and one re-ranking per held-out image (O(*N*²)), plus
///   O(`bootstrapSamples` · images · counts) for the errors.
///
/// Reference: J. Hosang, R. Benenson, P. Dollár, B. Schiele, "What makes for effective
/// detection proposals?", TPAMI 38(4), 2016, <https://doi.org/10.1109/TPAMI.2015.2465908>;
/// B. Efron, R. Tibshirani, "An Introduction to the Bootstrap", 1993 (standard errors).
public struct ObjectnessStudy: Sendable {
  /// One image's proposals and cues, computed once.
  public struct PreparedImage: Sendable {
    /// The dataset image (its ground truth in the dataset's pixels).
    public var image: DatasetImage
    /// The width of the image the proposals were made on (after `maxSide`).
    public var width: Int
    /// The height of the image the proposals were made on.
    public var height: Int
    /// The generator's proposals, best first, in the proposed image's pixels.
    public var proposals: [Proposal]
    /// Their cue rows (``/Proposals/ObjectnessFeatures/features(for:rank:count:)``).
    public var cues: [[Float]]
    /// The evaluated objects' boxes (no crowd or difficult ones) in the proposed image's pixels.
    public var groundTruth: [Box]
    /// Thread CPU seconds of the generator on this image.
    public var generatorSeconds: Double
    /// Thread CPU seconds of the cue tables and cue rows.
    public var cueSeconds: Double
  }

  /// AR at each proposal count with its bootstrap standard error.
  public struct Curve: Sendable, Hashable, Codable {
    /// AR at each of ``ObjectnessStudy/Evaluation/proposalCounts``.
    public var averageRecall: [Double]
    /// Its bootstrap standard error.
    public var standardError: [Double]
  }

  /// The comparison on one held-out set of images.
  public struct Evaluation: Sendable, Hashable, Codable {
    /// What was held out, e.g. `"fold 1 of 5"`, `"all folds"`, `"raccoon"`.
    public var name: String
    /// The training set, e.g. `"coco-tiny without fold 1"`.
    public var trainedOn: String
    /// Images the model was trained on.
    public var trainImages: Int
    /// Images evaluated.
    public var testImages: Int
    /// Objects evaluated.
    public var objects: Int
    /// The proposal counts *N*.
    public var proposalCounts: [Int]
    /// The generator's own ranking.
    public var base: Curve
    /// The proposals ranked by the model's probability alone, without the diversity step.
    public var withoutDiversity: Curve
    /// The re-ranked proposals (model and diversity step).
    public var reranked: Curve
    /// AR(re-ranked) / AR(own ranking) at each count.
    public var ratio: [Double]
    /// Bootstrap standard error of each ratio (paired resamples).
    public var ratioStandardError: [Double]
    /// Mean IoU between the pairs of the first 100 proposals, averaged over images: own
    /// ranking, re-ranked by the model without the diversity step, and re-ranked.
    public var meanTopIoU: [String: Double]
    /// Mean thread CPU seconds per image: `generator`, `cues` and `ordering` (scoring and
    /// the diversity step).
    public var secondsPerImage: [String: Double]
  }

  /// The examples, fit and diversity step evaluated. Default: `ObjectnessTrainer()`.
  public var trainer: ObjectnessTrainer
  /// The proposal counts *N*. Default: 10, 20, 50, 100, 200, 300, 500, 1000, 2000.
  public var proposalCounts: [Int]
  /// Bootstrap resamples for the standard errors. Default: `1000`.
  public var bootstrapSamples: Int
  /// Seed of the fold assignment and of the resamples. Default: `0`.
  public var seed: UInt64

  /// Creates a study; see each property for its default.
  public init(
    trainer: ObjectnessTrainer = ObjectnessTrainer(),
    proposalCounts: [Int] = [10, 20, 50, 100, 200, 300, 500, 1000, 2000],
    bootstrapSamples: Int = 1000, seed: UInt64 = 0
  ) {
    self.trainer = trainer
    self.proposalCounts = proposalCounts
    self.bootstrapSamples = bootstrapSamples
    self.seed = seed
  }

  /// Thread CPU time in seconds (this thread only, so parallel images do not inflate it).
  static func threadSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  /// Runs the generator and computes the cues on every image of a dataset.
  ///
  /// - Parameters:
  ///   - dataset: The images and their ground truth.
  ///   - generator: The base generator (give it one thread, images run in parallel).
  ///   - cueSettings: How the cues are computed. Default: `ObjectnessFeatures.Settings()`.
  ///   - maxSide: Shrink larger images to this longer side first. Default: `nil`, full size.
  ///   - threads: Images processed at once. Default: the number of cores.
  ///   - progress: Called after each image. Default: none.
  /// - Returns: One prepared image per dataset image, in dataset order.
  /// - Throws: The first decode, generator or cue error.
  public static func prepare(
    dataset: Dataset, generator: any ProposalGenerator,
    cueSettings: ObjectnessFeatures.Settings = ObjectnessFeatures.Settings(),
    maxSide: Int? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    progress: (@Sendable () -> Void)? = nil
  ) throws -> [PreparedImage] {
    try orderedParallelMap(count: dataset.images.count, threads: threads) { index in
      defer { progress?() }
      let entry = dataset.images[index]
      let decoded = try Image(contentsOf: dataset.url(of: entry), maxSide: maxSide)
      let image =
        decoded.channels == 1 ? Image(stackingChannels: [decoded, decoded, decoded]) : decoded
      let start = threadSeconds()
      let proposals = try generator.proposals(for: image)
      let generated = threadSeconds()
      let tables = try ObjectnessFeatures(image: image, settings: cueSettings)
      let cues = proposals.indices.map {
        tables.features(for: proposals[$0], rank: $0, count: proposals.count)
      }
      let done = threadSeconds()
      let sx = Float(image.width) / Float(max(entry.width, 1))
      let sy = Float(image.height) / Float(max(entry.height, 1))
      let truth = entry.annotations.filter { !$0.isCrowd && !$0.isDifficult }.map {
        Box(x1: $0.box.x1 * sx, y1: $0.box.y1 * sy, x2: $0.box.x2 * sx, y2: $0.box.y2 * sy)
      }
      return PreparedImage(
        image: entry, width: image.width, height: image.height, proposals: proposals,
        cues: cues, groundTruth: truth, generatorSeconds: generated - start,
        cueSeconds: done - generated)
    }
  }

  /// The seeded assignment of `count` images to `folds` folds: a Fisher–Yates shuffle of the
  /// indices (SplitMix64 of `seed`), fold *f* taking shuffled positions *f*, *f* + `folds`, ….
  ///
  /// - Returns: Each fold's image indices, ascending.
  public static func foldAssignment(count: Int, folds: Int, seed: UInt64) -> [[Int]] {
    precondition(folds >= 2, "foldAssignment: needs at least 2 folds, got \(folds)")
    var order = Array(0..<count)
    var random = SplitMix64(seed: seed)
    for i in stride(from: count - 1, to: 0, by: -1) {
      order.swapAt(i, Int(random.next() % UInt64(i + 1)))
    }
    return (0..<folds).map { fold in
      stride(from: fold, to: count, by: folds).map { order[$0] }.sorted()
    }
  }

  /// Fits a model on some prepared images.
  ///
  /// - Parameters:
  ///   - images: The training images.
  ///   - training: The record stored in the model (generator, dataset, image count).
  /// - Returns: The fitted model.
  /// - Throws: ``/Proposals/ObjectnessError/invalidTrainingData(reason:)``.
  public func fit(_ images: [PreparedImage], training: ObjectnessModel.Training) throws
    -> ObjectnessModel
  {
    let examples = images.enumerated().flatMap { index, image in
      trainer.examples(
        proposals: image.proposals, cues: image.cues, groundTruth: image.groundTruth,
        imageIndex: index)
    }
    var record = training
    record.images = images.count
    var hash = FNV1a64()
    for image in images { hash.combine(image.image.fileName + "\n") }
    record.imageListHash = String(format: "%016llx", hash.value)
    return try trainer.fit(examples, training: record)
  }

  /// k-fold cross-validation: each fold is ranked by a model fitted on the other folds.
  ///
  /// - Parameters:
  ///   - images: The prepared images of one dataset.
  ///   - folds: The number of folds, `2...images.count`.
  ///   - datasetName: The dataset's name, for the records.
  ///   - generator: The generator's name and settings, stored in each fold's model.
  /// - Returns: One evaluation per fold, then `"all folds"`: every image ranked by the model
  ///   that did not see it, evaluated together.
  /// - Throws: ``/Proposals/ObjectnessError/invalidTrainingData(reason:)``.
  public func crossValidate(
    _ images: [PreparedImage], folds: Int, datasetName: String = "dataset",
    generator: (name: String, settings: String)
  ) throws -> [Evaluation] {
    guard folds >= 2, folds <= images.count else {
      throw ObjectnessError.invalidTrainingData(
        reason: "cross-validation needs 2 to \(images.count) folds, got \(folds)")
    }
    let assignment = Self.foldAssignment(count: images.count, folds: folds, seed: seed)
    var ranked = [[Proposal]?](repeating: nil, count: images.count)
    var unranked = [[Proposal]?](repeating: nil, count: images.count)
    var orderingSeconds = [Double](repeating: 0, count: images.count)
    var evaluations: [Evaluation] = []
    for (fold, test) in assignment.enumerated() {
      let held = Set(test)
      let train = images.indices.filter { !held.contains($0) }.map { images[$0] }
      let model = try fit(
        train,
        training: .init(
          generator: generator.name, generatorSettings: generator.settings,
          dataset: datasetName, notes: "fold \(fold + 1) of \(folds) held out"))
      for index in test {
        let start = Self.threadSeconds()
        ranked[index] = model.rank(images[index].proposals, cues: images[index].cues)
        orderingSeconds[index] = Self.threadSeconds() - start
        var plain = model
        plain.redundancyExponent = 0
        unranked[index] = plain.rank(images[index].proposals, cues: images[index].cues)
      }
      evaluations.append(
        evaluate(
          name: "fold \(fold + 1) of \(folds)",
          trainedOn: "\(datasetName) without fold \(fold + 1)",
          trainImages: train.count, images: test.map { images[$0] },
          ranked: test.map { ranked[$0]! }, unranked: test.map { unranked[$0]! },
          orderingSeconds: test.map { orderingSeconds[$0] }))
    }
    evaluations.append(
      evaluate(
        name: "all folds", trainedOn: "\(datasetName), the other \(folds - 1) folds",
        trainImages: images.count - images.count / folds, images: images,
        ranked: ranked.map { $0! }, unranked: unranked.map { $0! }, orderingSeconds: orderingSeconds
      ))
    return evaluations
  }

  /// Transfer: a model fitted on all of one dataset ranks another.
  ///
  /// - Parameters:
  ///   - model: The model fitted on the training dataset.
  ///   - test: The prepared images of the other dataset.
  ///   - name: The test set's name.
  ///   - trainedOn: The training set's name.
  /// - Returns: The evaluation on `test`.
  public func transfer(
    _ model: ObjectnessModel, to test: [PreparedImage], name: String, trainedOn: String
  ) -> Evaluation {
    var ranked: [[Proposal]] = [], unranked: [[Proposal]] = [], seconds: [Double] = []
    var plain = model
    plain.redundancyExponent = 0
    for image in test {
      let start = Self.threadSeconds()
      ranked.append(model.rank(image.proposals, cues: image.cues))
      seconds.append(Self.threadSeconds() - start)
      unranked.append(plain.rank(image.proposals, cues: image.cues))
    }
    return evaluate(
      name: name, trainedOn: trainedOn, trainImages: model.training.images, images: test,
      ranked: ranked, unranked: unranked, orderingSeconds: seconds)
  }

  /// Recalled (object, threshold) pairs per proposal count of one ranking of one image.
  private func hits(
    _ image: PreparedImage, _ proposals: [Proposal], _ evaluation: ProposalEvaluation
  )
    -> [Int]
  {
    let record = ProposalRecord(
      image: image.image.fileName, width: image.width, height: image.height, proposals: proposals)
    let result = evaluation.evaluate(image: image.image, record: record)
    let thresholds = evaluation.configuration.iouThresholds
    return proposalCounts.indices.map { k in
      result.objects.reduce(0) { sum, object in
        sum + thresholds.filter { object.bestIoU[k] >= $0 }.count
      }
    }
  }

  /// Mean IoU over the pairs of the first 100 proposals.
  static func meanPairwiseIoU(_ proposals: [Proposal], first count: Int = 100) -> Double {
    let boxes = proposals.prefix(count).map(\.box)
    guard boxes.count > 1 else { return 0 }
    var sum = 0.0
    for i in boxes.indices {
      for j in (i + 1)..<boxes.count { sum += Double(boxes[i].iou(boxes[j])) }
    }
    return sum / Double(boxes.count * (boxes.count - 1) / 2)
  }

  private func evaluate(
    name: String, trainedOn: String, trainImages: Int, images: [PreparedImage],
    ranked: [[Proposal]], unranked: [[Proposal]], orderingSeconds: [Double]
  ) -> Evaluation {
    let evaluation = ProposalEvaluation(configuration: .init(proposalCounts: proposalCounts))
    let thresholds = evaluation.configuration.iouThresholds.count
    let baseHits = images.map { hits($0, $0.proposals, evaluation) }
    let rerankedHits = zip(images, ranked).map { hits($0, $1, evaluation) }
    let plainHits = zip(images, unranked).map { hits($0, $1, evaluation) }
    let objects = images.map { image in
      image.image.annotations.filter { !$0.isCrowd && !$0.isDifficult }.count
    }
    func ar(_ hits: [[Int]], _ sample: [Int]) -> [Double] {
      let total = sample.reduce(0) { $0 + objects[$1] } * thresholds
      return proposalCounts.indices.map { k in
        total > 0 ? Double(sample.reduce(0) { $0 + hits[$1][k] }) / Double(total) : 0
      }
    }
    let all = Array(images.indices)
    let baseAR = ar(baseHits, all), rerankedAR = ar(rerankedHits, all)
    let plainAR = ar(plainHits, all)
    var random = SplitMix64(seed: seed ^ FNV1a64.hash(name))
    var baseSamples: [[Double]] = [], rerankedSamples: [[Double]] = [],
      ratioSamples: [[Double]] = []
    var plainSamples: [[Double]] = []
    for _ in 0..<bootstrapSamples where !images.isEmpty {
      let sample = images.indices.map { _ in Int(random.next() % UInt64(images.count)) }
      let b = ar(baseHits, sample), r = ar(rerankedHits, sample)
      baseSamples.append(b)
      rerankedSamples.append(r)
      plainSamples.append(ar(plainHits, sample))
      ratioSamples.append(zip(r, b).map { $1 > 0 ? $0 / $1 : 0 })
    }
    func deviation(_ samples: [[Double]]) -> [Double] {
      proposalCounts.indices.map { k in
        guard samples.count > 1 else { return 0 }
        let values = samples.map { $0[k] }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
          .squareRoot()
      }
    }
    let count = Double(max(images.count, 1))
    return Evaluation(
      name: name, trainedOn: trainedOn, trainImages: trainImages, testImages: images.count,
      objects: objects.reduce(0, +), proposalCounts: proposalCounts,
      base: Curve(averageRecall: baseAR, standardError: deviation(baseSamples)),
      withoutDiversity: Curve(averageRecall: plainAR, standardError: deviation(plainSamples)),
      reranked: Curve(averageRecall: rerankedAR, standardError: deviation(rerankedSamples)),
      ratio: zip(rerankedAR, baseAR).map { $1 > 0 ? $0 / $1 : 0 },
      ratioStandardError: deviation(ratioSamples),
      meanTopIoU: [
        "base": images.reduce(0) { $0 + Self.meanPairwiseIoU($1.proposals) } / count,
        "without_diversity": unranked.reduce(0) { $0 + Self.meanPairwiseIoU($1) } / count,
        "reranked": ranked.reduce(0) { $0 + Self.meanPairwiseIoU($1) } / count,
      ],
      secondsPerImage: [
        "generator": images.reduce(0) { $0 + $1.generatorSeconds } / count,
        "cues": images.reduce(0) { $0 + $1.cueSeconds } / count,
        "ordering": orderingSeconds.reduce(0, +) / count,
      ])
  }
}
