import Boxes
import DetectorTraining
import Detectors
import Testing

@Suite struct LocalizationMetricsTests {
  @Test func handMadeCases() {
    func sample(_ label: Int, _ box: Box?) -> LocalizationSet.Sample {
      LocalizationSet.Sample(imageID: 1, width: 10, height: 10, pixels: [], label: label, box: box)
    }
    let target = Box(x1: 0, y1: 0, x2: 0.5, y2: 0.5)
    let samples = [sample(0, target), sample(1, target), sample(0, target), sample(0, nil)]
    let predictions = [
      ClassifyAndLocalize.Prediction(label: 0, score: 0.9, box: target),  // IoU 1, right class
      ClassifyAndLocalize.Prediction(
        label: 0, score: 0.6, box: Box(x1: 0, y1: 0, x2: 0.25, y2: 0.5)),  // IoU 0.5, wrong
      ClassifyAndLocalize.Prediction(
        label: 0, score: 0.7, box: Box(x1: 0.5, y1: 0.5, x2: 1, y2: 1)),  // IoU 0
      ClassifyAndLocalize.Prediction(label: 0, score: 0.7, box: target),  // no target box
    ]
    let metrics = LocalizationMetrics(predictions: predictions, samples: samples)
    #expect(metrics.count == 4)
    #expect(abs(metrics.meanIoU - 0.5) < 1e-6)
    #expect(abs(metrics.localizationAccuracy - 2.0 / 3) < 1e-6)
    #expect(abs(metrics.classificationAccuracy - 0.75) < 1e-6)
    // With background, label 0 of a sample is background: a nil prediction matches it.
    let background = LocalizationMetrics(
      predictions: [ClassifyAndLocalize.Prediction(label: nil, score: 0.8, box: target)],
      samples: [sample(0, nil)], includesBackground: true)
    #expect(background.classificationAccuracy == 1 && background.meanIoU == 0)
  }
}
