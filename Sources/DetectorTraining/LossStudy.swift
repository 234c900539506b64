import Detectors
import Evaluation
import Foundation

/// Trains one ``/Detectors/ClassifyAndLocalize`` model per box regression loss, with clean training
/// boxes and with a share of them corrupted into outliers, and compares them on the same
/// validation set.
///
/// Every run shares the split, the initial weights (same seed), the schedule and the flips; only
/// the box loss and the training labels differ. The corrupted runs replace a seeded
/// `outlierFraction` of the training boxes with random boxes (see
/// ``LocalizationSet/corruptingBoxes(fraction:seed:)``); validation boxes are always clean.
///
///     let study = LossStudy(configuration: configuration, options: TrainingSettings(epochs: 30))
///     let runs = study.run(train: train, validation: validation)
///     print(LossStudy.markdownTable(runs))
public struct LossStudy: Sendable {
  /// One trained configuration and its results.
  public struct Run: Sendable, Hashable, Codable {
    /// The box loss.
    public var boxLoss: BoxRegressionLoss
    /// Share of training boxes that were corrupted.
    public var outlierFraction: Double
    /// One record per epoch, with validation metrics.
    public var history: [EpochRecord]
    /// Wall-clock training time in seconds.
    public var seconds: Double

    /// A label such as `smooth-l1-b1, 10% outliers`.
    public var name: String {
      outlierFraction == 0
        ? "\(boxLoss.name), clean"
        : "\(boxLoss.name), \(Int((outlierFraction * 100).rounded()))% outliers"
    }

    /// The validation metrics after the last epoch.
    public var final: LocalizationMetrics? { history.last?.localization }
  }

  /// Model and loss weights shared by all runs (its ``/Detectors/ClassifyAndLocalizeConfiguration/boxLoss``
  /// is replaced per run).
  public var configuration: ClassifyAndLocalizeConfiguration
  /// Training options shared by all runs.
  public var options: TrainingSettings
  /// The losses compared. Default: L1, MSE, smooth L1 with β = 1 and β = 1/9.
  public var losses: [BoxRegressionLoss] = [
    .l1, .mse, .smoothL1(beta: 1), .smoothL1(beta: 1.0 / 9),
  ]
  /// Outlier shares of the training boxes. Default: `[0, 0.1]`.
  public var outlierFractions: [Double] = [0, 0.1]

  /// Creates a study with the default losses and outlier shares.
  public init(configuration: ClassifyAndLocalizeConfiguration, options: TrainingSettings) {
    self.configuration = configuration
    self.options = options
  }

  /// Trains every (outlier share, loss) pair in that order.
  ///
  /// - Parameters:
  ///   - train: Training samples (clean).
  ///   - validation: Validation samples.
  ///   - onRunStart: Called before each run with its name. Default: none.
  ///   - onStep: Called after each training step with the batch size. Default: none.
  /// - Returns: One ``Run`` per pair.
  /// - Throws: Decoding errors of streamed images.
  /// - Complexity: `losses.count * outlierFractions.count` trainings.
  public func run(
    train: LocalizationSet, validation: LocalizationSet, onRunStart: ((String) -> Void)? = nil,
    onStep: ((Int) -> Void)? = nil
  ) throws -> [Run] {
    var runs: [Run] = []
    let trainer = ClassifyAndLocalizeTrainer(options: options)
    for fraction in outlierFractions {
      let noisy =
        fraction > 0
        ? train.corruptingBoxes(fraction: fraction, seed: options.seed &+ 17).set : train
      for loss in losses {
        var run = Run(boxLoss: loss, outlierFraction: fraction, history: [], seconds: 0)
        onRunStart?(run.name)
        var runConfiguration = configuration
        runConfiguration.boxLoss = loss
        var model = ClassifyAndLocalize(configuration: runConfiguration, seed: options.seed)
        var optimizer = trainer.makeOptimizer()
        let start = Date()
        for epoch in 1...options.epochs {
          run.history.append(
            try trainer.trainEpoch(
              epoch, model: &model, optimizer: &optimizer, on: noisy, validation: validation,
              onStep: onStep))
        }
        run.seconds = Date().timeIntervalSince(start)
        runs.append(run)
      }
    }
    return runs
  }

  /// The no-learning baseline: every validation image gets the mean training box (averaged in
  /// the normalised `(cx, cy, w, h)` encoding) and the most frequent training class.
  ///
  /// - Parameters:
  ///   - train: The training samples the mean and the majority class come from.
  ///   - validation: The samples scored.
  ///   - includesBackground: Whether labels count background as 0. Default: `false`.
  /// - Returns: The baseline's metrics on `validation`.
  public static func constantBoxBaseline(
    train: LocalizationSet, validation: LocalizationSet, includesBackground: Bool = false
  ) -> LocalizationMetrics {
    var sum = [Double](repeating: 0, count: 4)
    var boxed = 0
    var counts: [Int: Int] = [:]
    for sample in train.samples {
      counts[sample.label, default: 0] += 1
      guard let box = sample.box else { continue }
      boxed += 1
      for (k, value) in ClassifyAndLocalize.encode(box).enumerated() { sum[k] += Double(value) }
    }
    let mean = sum.map { Float($0 / Double(max(boxed, 1))) }
    let majority =
      counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? 0
    let label: Int? = includesBackground ? (majority == 0 ? nil : majority - 1) : majority
    let prediction = ClassifyAndLocalize.Prediction(
      label: label, score: 1, box: ClassifyAndLocalize.decode(mean))
    return LocalizationMetrics(
      predictions: Array(repeating: prediction, count: validation.samples.count),
      samples: validation.samples, includesBackground: includesBackground)
  }

  /// A Markdown table: one row per run with the final validation mean IoU, localisation
  /// accuracy (IoU ≥ 0.5), classification accuracy, the best mean IoU over epochs and the time.
  public static func markdownTable(_ runs: [Run]) -> String {
    var lines = [
      "| box loss | training boxes | mean IoU | IoU ≥ 0.5 | class acc. | best mean IoU (epoch) | time (s) |",
      "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs {
      guard let final = run.final else { continue }
      let best = run.history.compactMap { record in
        record.localization.map { (record.epoch, $0.meanIoU) }
      }
      .max { $0.1 < $1.1 }
      let labels =
        run.outlierFraction == 0
        ? "clean" : "\(Int((run.outlierFraction * 100).rounded()))% outliers"
      lines.append(
        "| \(run.boxLoss.name) | \(labels) | \(f3(final.meanIoU)) | \(f3(final.localizationAccuracy)) | "
          + "\(f3(final.classificationAccuracy)) | \(best.map { "\(f3($0.1)) (\($0.0))" } ?? "-") | "
          + String(format: "%.0f", run.seconds) + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Plots of the runs: validation mean IoU per epoch (clean runs, then outlier runs) and the
  /// training box loss per epoch relative to its first epoch (all runs).
  ///
  /// - Parameters:
  ///   - runs: The runs of a study, as ``run(train:validation:onRunStart:onStep:)``
  ///     returns them.
  ///   - title: Prefix of the plot titles (the dataset's name).
  /// - Returns: `(file stem, plot)` pairs: `mean-iou-clean`, `mean-iou-outliers`, `train-box-loss`.
  public static func plots(_ runs: [Run], title: String) -> [(String, LinePlot)] {
    func iouPlot(_ selected: [Run], _ suffix: String) -> LinePlot {
      var plot = LinePlot(
        title: "\(title): validation mean IoU, \(suffix)", xLabel: "epoch", yLabel: "mean IoU")
      plot.yRange = 0...1
      for run in selected {
        let records = run.history.filter { $0.localization != nil }
        plot.series.append(
          .init(
            name: run.boxLoss.name, x: records.map { Double($0.epoch) },
            y: records.map { $0.localization!.meanIoU }))
      }
      return plot
    }
    var lossPlot = LinePlot(
      title: "\(title): training box loss / first epoch's", xLabel: "epoch",
      yLabel: "relative box loss", width: 800)
    for run in runs {
      guard let first = run.history.first?.losses["box"], first > 0 else { continue }
      lossPlot.series.append(
        .init(
          name: run.name, x: run.history.map { Double($0.epoch) },
          y: run.history.map { ($0.losses["box"] ?? 0) / first }))
    }
    let clean = runs.filter { $0.outlierFraction == 0 },
      noisy = runs.filter { $0.outlierFraction > 0 }
    var result: [(String, LinePlot)] = []
    if !clean.isEmpty { result.append(("mean-iou-clean", iouPlot(clean, "clean labels"))) }
    if !noisy.isEmpty {
      let share = Int(((noisy.first?.outlierFraction ?? 0) * 100).rounded())
      result.append(("mean-iou-outliers", iouPlot(noisy, "\(share)% outlier boxes")))
    }
    result.append(("train-box-loss", lossPlot))
    return result
  }

  static func f3(_ value: Double) -> String { String(format: "%.3f", value) }
}
