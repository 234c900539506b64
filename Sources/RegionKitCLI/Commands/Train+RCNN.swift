import ArgumentParser
import DetectorTraining
import Detectors
import Foundation

extension RCNNBackend: ExpressibleByArgument {}

/// Default schedule of R-CNN's CNN classifier.
enum RCNNSchedule: ScheduleDefaults {
  static var settings: TrainingSettings {
    RCNNConfiguration(backend: .cnn, classes: []).training
  }
  static var batchMeaning: String { "cnn: regions per optimisation step" }
}

/// `regionkit train rcnn`.
struct TrainRCNN: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rcnn",
    abstract: "Train R-CNN: proposals warped to a fixed size and classified one by one.",
    discussion: """
      --classifier hog-svm: HOG of each warped crop, one linear SVM per class with hard-negative \
      mining, Platt scaling and ridge box regression, trained in one pass (of the schedule \
      options only --validation-fraction applies). --classifier cnn: a small CNN with softmax and class-specific box deltas \
      trained for --epochs over a fixed, seeded pool of regions per image, with a checkpoint \
      after each epoch. Images are decoded once and dropped after their crops are taken. \
      --classifier command: a program in any language that speaks RegionKit's classifier \
      protocol on its standard input and output (--command); nothing is trained: its handshake \
      must list the dataset's classes in order, its crop size becomes the model's, and the \
      model folder records the command for `regionkit detect`.
      """)

  @OptionGroup var data: DatasetOptions
  @OptionGroup var output: TrainOutputOptions

  @Option(help: "The region classifier: hog-svm, cnn or command.")
  var classifier: RCNNBackend = .cnn

  @Option(
    help:
      "Side of the warped crops in pixels. Default: 32 (cnn), 48 (hog-svm), the handshake's (command)."
  )
  var cropSize: Int?

  @OptionGroup(title: "Classifier command") var commandOptions: CommandClassifierOptions

  @OptionGroup(title: "Proposals") var proposals: ProposalInputOptions

  @Option(help: "Proposals kept per image, best first.")
  var maxProposals = 2000

  @OptionGroup(title: "Schedule (cnn)") var schedule: ScheduleOptions<RCNNSchedule>
  @OptionGroup var runOptions: RunOptions

  func validate() throws {
    if classifier != .cnn && (schedule.isSet || !schedule.flip || output.resume) {
      throw ValidationError(
        "--classifier \(classifier.rawValue) trains in one pass: --epochs, --batch-size, --learning-rate, --weight-decay, --checkpoint-every, --no-flip and --resume do not apply"
      )
    }
    try commandOptions.validate(classifier: classifier, cropSize: cropSize)
    guard (1...100_000).contains(maxProposals) else {
      throw ValidationError("--max-proposals must be between 1 and 100000, got \(maxProposals)")
    }
    if let proposals = proposals.proposals, proposals != "selective-search",
      ProposalMethodName.known.contains(proposals)
    {
      throw ValidationError(
        "--proposals: rcnn takes its proposals from selective-search or a file, got \(proposals)")
    }
    _ = try configuration(classes: [DetectorClass(name: "-", categoryID: 1)])
  }

  /// The configuration of a new model with these options, checked.
  func configuration(classes: [DetectorClass]) throws -> RCNNConfiguration {
    var configuration = RCNNConfiguration(
      backend: classifier, classes: classes, inputSize: cropSize, maxProposals: maxProposals)
    configuration.training = schedule.settings(seed: runOptions.seed)
    configuration.command = classifier == .command ? commandOptions.settings : nil
    try validateOptions(
      renames: [
        "inputSize": "--crop-size", "contextPadding": "--crop-size",
      ].merging(CommandClassifierOptions.renames) { $1 }
    ) {
      try configuration.validate(file: "the command line")
    }
    return configuration
  }

  func run() throws {
    let threads = runOptions.threads()
    let dataset = try data.load()
    let configuration = try configuration(classes: DetectorClass.of(dataset))
    let result: TrainingResult
    do {
      result = try RCNNTraining.train(
        configuration, on: dataset, proposals: proposals.file().map { .file($0) },
        skipMissing: proposals.skipMissing, into: output.folder, policy: output.policy,
        threads: threads, observer: TrainingProgress(showsBars: !runOptions.noProgress))
    } catch DetectorsError.existingModel(let folder) where classifier != .cnn {
      // The library's message offers --resume, which the one-pass classifiers refuse.
      throw CommandError(
        "\(folder) already holds a model; pass --force to replace it (--classifier \(classifier.rawValue) trains in one pass and cannot resume)."
      )
    }
    printTrainingResult(result, output: output.output)
  }
}
