import Boxes
import DetectorTraining
import Detectors
import RegionKitTestSupport
import Testing

@Suite(.tags(.slow)) struct LossStudyTests {
  /// A two-run, two-epoch study: one row per run and three plots.
  @Test func runsEveryPairAndTabulates() throws {
    let configuration = TinyShapes.configuration()
    let (train, validation) = TinyShapes.set(count: 10, seed: 3).split(
      validationFraction: 0.2, seed: 1)
    var study = LossStudy(
      configuration: configuration, options: TrainingSettings(epochs: 2, batchSize: 4, seed: 1))
    study.losses = [.l1, .mse]
    study.outlierFractions = [0, 0.25]
    var names: [String] = []
    let runs = try study.run(train: train, validation: validation, onRunStart: { names.append($0) })
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

@Suite struct ConstantBoxBaselineTests {
  /// Mean box and majority class of the training set, scored on validation.
  @Test func predictsTheMeanBoxAndMajorityClass() {
    func sample(_ label: Int, _ box: Box) -> LocalizationSet.Sample {
      LocalizationSet.Sample(imageID: 1, width: 1, height: 1, pixels: [], label: label, box: box)
    }
    let train = LocalizationSet(
      inputWidth: 1, inputHeight: 1,
      samples: [
        sample(1, Box(x1: 0, y1: 0, x2: 0.4, y2: 0.4)),
        sample(1, Box(x1: 0.2, y1: 0.2, x2: 0.6, y2: 0.6)),
        sample(0, Box(x1: 0.1, y1: 0.1, x2: 0.5, y2: 0.5)),
      ])
    // The mean box is [0.1, 0.1, 0.5, 0.5]: validation hits it exactly once.
    let validation = LocalizationSet(
      inputWidth: 1, inputHeight: 1,
      samples: [
        sample(1, Box(x1: 0.1, y1: 0.1, x2: 0.5, y2: 0.5)),
        sample(0, Box(x1: 0.5, y1: 0.5, x2: 0.9, y2: 0.9)),
      ])
    let metrics = LossStudy.constantBoxBaseline(train: train, validation: validation)
    #expect(abs(metrics.meanIoU - 0.5) < 1e-5)
    #expect(metrics.localizationAccuracy == 0.5)
    #expect(metrics.classificationAccuracy == 0.5)
  }
}
