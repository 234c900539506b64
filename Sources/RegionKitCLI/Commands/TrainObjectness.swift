import ArgumentParser
import Boxes
import Datasets
import Foundation
import ProposalStudies
import Proposals

extension ObjectnessTrainer.Target: ExpressibleByArgument {}
extension ObjectnessTrainer.Balance: ExpressibleByArgument {}

/// `regionkit train objectness`: fits the learned objectness re-ranker of one proposal method
/// on a dataset, and measures it on images it was not trained on.
struct TrainObjectness: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "objectness",
    abstract:
      "Train the learned objectness re-ranker of a proposal method and measure it on held-out images.",
    discussion: """
      Runs --method on the dataset's images and computes cheap cues of every proposal on a \
      copy of the image shrunk to --cue-side (edge density, edge contrast and colour contrast \
      against a surrounding ring, superpixel straddling: Alexe et al. 2012; the method's \
      rank, hierarchy level and score). Each proposal's target is the share of the IoU \
      thresholds 0.5:0.05:0.95 its best IoU with a non-crowd object reaches (--target \
      average-recall; --target threshold labels IoU >= --positive-iou 1, < --negative-iou 0 \
      and ignores the rest), weighted so that every object counts once (--balance object). \
      An L2-regularised logistic regression of the targets on the --cues is fitted and \
      written with the diversity step's --redundancy-exponent, the cue settings, the method \
      and its settings, and the training set to -o. `propose` and `evaluate` use it with \
      --objectness MODEL: proposals are scored by the model, then taken greedily by score x \
      (1 - m^gamma), m the largest IoU with the boxes already taken, so near-duplicates of \
      better boxes move down; nothing is dropped.
      --folds K also runs K-fold cross-validation over the images (seeded by --seed): each \
      fold ranked by a model fitted on the others, AR at N = 100, 300, 1000 of the method's \
      own ranking and of the re-ranked proposals with bootstrap standard errors, and the time \
      per image. --test DATASET evaluates the model written to -o on another dataset the same \
      way. With --report DIR the study is written as summary.json, table.md and AR-versus-N \
      plots (SVG).
      """)

  @Argument(help: "The training dataset: a COCO (images/ + annotations.json) or Pascal VOC folder.")
  var dataset: String

  @Option(help: "The split to read from a VOC layout with ImageSets. Default: all images.")
  var split: String?

  @Option(name: .shortAndLong, help: "The model file to write (.json).")
  var output: String

  @Option(help: "The proposal method whose proposals are re-ranked (\(ProposalMethod.names)).")
  var method: ProposalMethod = .edgeBoxes

  @OptionGroup var generatorOptions: GeneratorOptions

  @Option(help: "Use at most this many images (a seeded random subset); 0 uses all.")
  var limit = 0

  @Option(
    help: "How a proposal's IoU with the objects becomes its target: average-recall or threshold.")
  var target: ObjectnessTrainer.Target = .averageRecall

  @Option(help: "--target threshold: proposals with at least this IoU to an object are objects.")
  var positiveIou: Float = 0.7

  @Option(
    help: "--target threshold: proposals with an IoU below this to every object are background.")
  var negativeIou: Float = 0.3

  @Option(
    help:
      "Example weighting: object (each object's overlapping proposals share one object's weight) or none."
  )
  var balance: ObjectnessTrainer.Balance = .object

  @Option(help: "Labelled proposals sampled per image, at most half of them positive; 0 takes all.")
  var perImage = 0

  @Option(
    help:
      "The cues fitted, comma-separated (any of \(ObjectnessFeatures.names.joined(separator: ", ")))."
  )
  var cues = ObjectnessTrainer.defaultCueNames.joined(separator: ",")

  @Option(
    help:
      "Longer side, in pixels, of the image copy the cues are computed on; 0 uses the full size.")
  var cueSide = 320

  @Option(help: "SLIC superpixels of the straddling cue.")
  var superpixels = 200

  @Option(
    help: "Diversity step: gamma of the discount 1 - m^gamma; 0 keeps the model's score order.")
  var redundancyExponent: Float = 2

  @Option(help: "L2 penalty on the logistic-regression weights.")
  var l2: Double = 1e-3

  @Option(
    help:
      "Also run K-fold cross-validation over the images (by image, seeded by --seed); 0 skips it.")
  var folds = 0

  @Option(
    name: .customLong("test"), help: "Also evaluate the model on this dataset (repeat for several)."
  )
  var testDatasets: [String] = []

  @Option(
    help:
      "Write the cross-validation and test results here (summary.json, table.md, plots). Default: printed only."
  )
  var report: String?

  @Option(help: "Bootstrap resamples of the standard errors.")
  var bootstrap = 1000

  @Flag(help: "Do not draw the progress bar.")
  var noProgress = false

  var cueNames: [String] {
    cues.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
  }

  var trainer: ObjectnessTrainer {
    ObjectnessTrainer(
      target: target, positiveIoU: positiveIou, negativeIoU: negativeIou, balance: balance,
      perImage: perImage, cueNames: cueNames,
      cueSettings: .init(workingSide: cueSide == 0 ? nil : cueSide, superpixels: superpixels),
      l2: l2, redundancyExponent: redundancyExponent, seed: generatorOptions.seed)
  }

  func validate() throws {
    guard limit >= 0 else { throw ValidationError("--limit must be 0 or more, got \(limit)") }
    guard perImage == 0 || perImage >= 2 else {
      throw ValidationError("--per-image must be 0 (all) or at least 2, got \(perImage)")
    }
    guard negativeIou > 0, negativeIou <= positiveIou, positiveIou <= 1 else {
      throw ValidationError(
        "--negative-iou (\(negativeIou)) and --positive-iou (\(positiveIou)) must satisfy "
          + "0 < negative <= positive <= 1")
    }
    guard generatorOptions.objectness == nil, !generatorOptions.force else {
      throw ValidationError(
        "--objectness and --force re-rank proposals with a trained model; train objectness does not take them"
      )
    }
    guard generatorOptions.memoryLimit == nil else {
      throw ValidationError(
        "--memory-limit applies to propose and evaluate; train objectness does not check it")
    }
    try generatorOptions.validateMethods([method])
    try OptionRange.check("--l2", l2, in: 0...1e6)
    guard cueSide == 0 || cueSide >= 8 else {
      throw ValidationError("--cue-side must be 0 (full size) or at least 8, got \(cueSide)")
    }
    try OptionRange.check(
      "--cue-side", cueSide, in: 0...ObjectnessFeatures.Settings.maximumWorkingSide)
    try OptionRange.check(
      "--superpixels", superpixels, in: 1...ObjectnessFeatures.Settings.maximumSuperpixels)
    try OptionRange.check("--redundancy-exponent", redundancyExponent, in: 0...1000)
    guard folds == 0 || folds >= 2 else {
      throw ValidationError("--folds must be 0 (none) or at least 2, got \(folds)")
    }
    try OptionRange.check("--folds", folds, in: 0...1000)
    try OptionRange.check("--bootstrap", bootstrap, in: 2...1_000_000)
    try OptionRange.check("--limit", limit, in: 0...100_000_000)
    try OptionRange.check("--per-image", perImage, in: 0...1_000_000)
    do { try trainer.validate() } catch { throw ValidationError("--cues: \(error)") }
  }

  /// A dataset's name for records: its folder's name (never a path).
  static func name(of path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    return url.pathExtension.lowercased() == "json"
      ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
  }

  /// Every image of a dataset (a seeded subset with `limit` > 0), with its generator run and cues.
  private func prepare(_ path: String, split: String?, limit: Int) throws
    -> [ObjectnessStudy.PreparedImage]
  {
    var data = try Dataset.load(from: URL(fileURLWithPath: path), split: split)
    if limit > 0 && limit < data.images.count {
      var random = SplitMix64(seed: generatorOptions.seed)
      var chosen = Array(data.images.indices)
      for i in stride(from: chosen.count - 1, to: 0, by: -1) {
        chosen.swapAt(i, Int(random.next() % UInt64(i + 1)))
      }
      data.images = chosen.prefix(limit).sorted().map { data.images[$0] }
    }
    DatasetWarnings.printSizeMismatches(of: data)
    let bar = ProgressBar(
      total: data.images.count, label: "\(Self.name(of: path)) \(method.rawValue)",
      isEnabled: !noProgress)
    defer { bar.finish() }
    return try ObjectnessStudy.prepare(
      dataset: data, generator: generatorOptions.baseGenerator(method, singleThreaded: true),
      cueSettings: trainer.cueSettings, maxSide: generatorOptions.maxSide,
      threads: generatorOptions.jobs ?? ProcessInfo.processInfo.activeProcessorCount,
      progress: { bar.advance() })
  }

  func run() throws {
    let prepared = try prepare(dataset, split: split, limit: limit)
    let study = ObjectnessStudy(
      trainer: trainer, bootstrapSamples: bootstrap, seed: generatorOptions.seed)
    let datasetName = Self.name(of: dataset)
    let generator = (
      name: generatorOptions.baseGenerator(method).name,
      settings: generatorOptions.settingsDescription(method)
    )
    let model: ObjectnessModel
    do {
      model = try study.fit(
        prepared,
        training: .init(
          generator: generator.name, generatorSettings: generator.settings, dataset: datasetName))
    } catch {
      throw ValidationError(
        "\(dataset): \(error) (try another --method, --target or --positive-iou)")
    }
    try model.save(to: URL(fileURLWithPath: output))
    print(
      "\(output): \(model.training.examples) proposals of \(prepared.count) images, "
        + String(format: "training log-loss %.4f", model.training.loss))

    var evaluations: [ObjectnessStudy.Evaluation] = []
    if folds > 0 {
      evaluations += try study.crossValidate(
        prepared, folds: folds, datasetName: datasetName, generator: generator)
    }
    for test in testDatasets {
      let testImages = try prepare(test, split: nil, limit: 0)
      evaluations.append(
        study.transfer(model, to: testImages, name: Self.name(of: test), trainedOn: datasetName))
    }
    guard !evaluations.isEmpty else { return }
    let result = ObjectnessStudyReport(
      generator: generator.name, generatorSettings: generator.settings, dataset: datasetName,
      trainer: trainer, evaluations: evaluations)
    if let report { try result.write(to: URL(fileURLWithPath: report)) }
    print(result.markdown(), terminator: "")
  }
}
