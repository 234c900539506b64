import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging

extension LossStudy {
  /// Runs the study on `dataset` and writes `loss-study.md`, `loss-study.json` and the plots
  /// (SVG and PNG) into `folder`: the library function behind
  /// `regionkit train classify-localize --loss-study`.
  ///
  /// - Parameters:
  ///   - dataset: The dataset; `options.validationFraction` of its usable images (seeded) is
  ///     held out and must not be 0.
  ///   - title: The dataset's name for the report.
  ///   - folder: Where to write (created when missing).
  ///   - observer: Progress (one stage per run) and notes.
  /// - Returns: The Markdown table with the no-learning baseline.
  public func writeReport(
    on dataset: Dataset, title: String, to folder: URL, observer: some TrainingObserver
  ) throws -> String {
    let all = try LocalizationSet(dataset: dataset, configuration: configuration)
    let (train, validation) = all.split(
      validationFraction: options.validationFraction, seed: options.seed)
    let runCount = losses.count * outlierFractions.count
    observer.stageStarted(
      "study", total: runCount * options.epochs * train.samples.count, unit: "images")
    let runs = try run(train: train, validation: validation) {
      observer.note("study: \($0)")
    } onStep: {
      observer.advanced(by: $0, status: nil)
    }
    observer.stageFinished()
    try ModelFolder.createDirectory(folder)
    let baseline = Self.constantBoxBaseline(
      train: train, validation: validation, includesBackground: configuration.includesBackground)
    let table =
      Self.markdownTable(runs)
      + String(
        format: "\nNo-learning baseline (mean training box, majority class): mean IoU %.3f, "
          + "IoU ≥ 0.5 %.3f, class acc. %.3f\n", baseline.meanIoU, baseline.localizationAccuracy,
        baseline.classificationAccuracy)
    let header = """
      # Box regression loss study: \(title)

      \(train.samples.count) training and \(validation.samples.count) validation images (seed \(options.seed)), \
      input \(configuration.inputWidth)x\(configuration.inputHeight), \(options.epochs) epochs, batch \(options.batchSize), \
      Adam \(options.learningRate), total = \(configuration.classificationWeight) x CE + \(configuration.boxWeight) x box loss.
      Metrics on the validation set after the last epoch.


      """
    try Data((header + table).utf8).write(
      to: folder.appendingPathComponent("loss-study.md"), options: .atomic)
    try ModelFolder.writeJSON(runs, to: folder.appendingPathComponent("loss-study.json"))
    for (stem, plot) in Self.plots(runs, title: title) {
      let svg = plot.svg()
      try Data(svg.utf8).write(to: folder.appendingPathComponent("\(stem).svg"), options: .atomic)
      let picture = try Image(
        data: Data(svg.utf8), name: "\(stem).svg", decoding: ImageDecoding(formats: [.svg]))
      try picture.write(to: folder.appendingPathComponent("\(stem).png"))
    }
    return table
  }
}
