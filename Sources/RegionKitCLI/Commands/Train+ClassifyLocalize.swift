import ArgumentParser
import DetectorTraining
import Detectors
import Foundation

/// Default schedule of classify-localize.
enum ClassifyLocalizeSchedule: ScheduleDefaults {
  static var settings: TrainingSettings { TrainingSettings() }
  static var batchMeaning: String { "Images per optimisation step" }
}

/// `regionkit train classify-localize`.
struct TrainClassifyLocalize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "classify-localize",
    abstract: "Train a CNN that predicts one class and one box per image.",
    discussion: """
      A classification head and one box head (x, y, w, h = box centre and size divided by the \
      image width and height), trained with --classification-weight x cross-entropy + \
      --box-weight x the --box-loss. Images with several objects are trained on their LARGEST \
      object; crowd boxes are ignored; images are stretched to --input-size. --loss-study \
      trains one model per box loss (l1, mse, smooth-l1 beta 1 and 1/9), with clean boxes and \
      with --study-outlier-fraction of them replaced by random boxes, and writes \
      loss-study.md, loss-study.json and plots into -o instead of a model.
      """)

  @OptionGroup var data: DatasetOptions
  @OptionGroup var output: TrainOutputOptions
  @OptionGroup(title: "Schedule") var schedule: ScheduleOptions<ClassifyLocalizeSchedule>

  @Option(help: "Network input width and height in pixels (16 to 4096).")
  var inputSize = 64

  @Option(
    help: "Box regression loss: l1, mse, smooth-l1 (beta 1) or smooth-l1:BETA (e.g. smooth-l1:1/9)."
  )
  var boxLoss = "l1"

  @Option(help: "Weight of the cross-entropy in the total loss.")
  var classificationWeight: Float = 0.5

  @Option(help: "Weight of the box loss in the total loss.")
  var boxWeight: Float = 0.5

  @Flag(
    help: "Add a background class, trained on images without objects (otherwise they are skipped).")
  var background = false

  @Option(help: "Share of training boxes replaced by random boxes (label-noise experiments).")
  var outlierFraction = 0.0

  @Flag(help: "Run the regression-loss study instead of training one model.")
  var lossStudy = false

  @Option(help: "Share of outlier training boxes in the loss study's noisy runs.")
  var studyOutlierFraction = 0.1

  @OptionGroup var runOptions: RunOptions

  func configuration(classes: [DetectorClass]) throws -> ClassifyAndLocalizeConfiguration {
    guard let loss = BoxRegressionLoss(parsing: boxLoss) else {
      throw ValidationError(
        "--box-loss must be l1, mse, smooth-l1 or smooth-l1:BETA, got \(boxLoss)")
    }
    var c = ClassifyAndLocalizeConfiguration(
      classes: classes.isEmpty ? [DetectorClass(name: "-", categoryID: 1)] : classes,
      includesBackground: background, inputWidth: inputSize, inputHeight: inputSize,
      boxLoss: loss, classificationWeight: classificationWeight, boxWeight: boxWeight)
    c.training = schedule.settings(seed: runOptions.seed)
    c.training.outlierFraction = outlierFraction
    try validateOptions(renames: ["inputWidth": "--input-size", "inputHeight": "--input-size"]) {
      try c.validate(file: "the command line")
    }
    guard classificationWeight + boxWeight > 0 else {
      throw ValidationError("--classification-weight and --box-weight must not both be 0")
    }
    return c
  }

  func validate() throws {
    _ = try configuration(classes: [])
    guard (0...1).contains(studyOutlierFraction) else {
      throw ValidationError(
        "--study-outlier-fraction must be in [0, 1], got \(studyOutlierFraction)")
    }
    if lossStudy && (output.resume || output.force || outlierFraction != 0) {
      throw ValidationError(
        "--loss-study writes a report: --resume, --force and --outlier-fraction do not apply")
    }
    if lossStudy && schedule.validationFraction == 0 {
      throw ValidationError("--loss-study needs a --validation-fraction above 0")
    }
  }

  func run() throws {
    _ = try runOptions.threads()
    let dataset = try data.load()
    let configuration = try configuration(classes: DetectorClass.of(dataset))
    let progress = TrainingProgress(showsBars: !runOptions.noProgress)
    if lossStudy {
      var study = LossStudy(configuration: configuration, options: configuration.training)
      study.outlierFractions = studyOutlierFraction > 0 ? [0, studyOutlierFraction] : [0]
      print(
        try study.writeReport(on: dataset, title: data.name, to: output.folder, observer: progress),
        terminator: "")
      return
    }
    let result = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: output.folder, policy: output.policy, observer: progress)
    printTrainingResult(result, output: output.output)
  }
}
