import Detectors
import Testing

@Suite struct LossStudyTests {
  /// A two-run, two-epoch study: one row per run and three plots.
  @Test func runsEveryPairAndTabulates() {
    let configuration = TinyShapes.configuration()
    let (train, validation) = TinyShapes.set(count: 10, seed: 3).split(
      validationFraction: 0.2, seed: 1)
    var study = LossStudy(
      configuration: configuration, options: TrainingOptions(epochs: 2, batchSize: 4, seed: 1))
    study.losses = [.l1, .mse]
    study.outlierFractions = [0, 0.25]
    var names: [String] = []
    let runs = study.run(train: train, validation: validation, onRunStart: { names.append($0) })
    #expect(names == ["l1, clean", "mse, clean", "l1, 25% outliers", "mse, 25% outliers"])
    #expect(runs.allSatisfy { $0.history.count == 2 && $0.final != nil })
    let table = LossStudy.markdownTable(runs)
    #expect(table.split(separator: "\n").count == 2 + 4)
    #expect(table.contains("| mse | 25% outliers | "))
    let plots = LossStudy.plots(runs, title: "tiny")
    #expect(plots.map(\.0) == ["mean-iou-clean", "mean-iou-outliers", "train-box-loss"])
    #expect(plots[0].1.series.count == 2 && plots[2].1.series.count == 4)
  }
}
