import Boxes
import Datasets
import DetectorTraining
import Detectors
import Imaging

/// Small in-memory single-object sets for fast training tests: 24x24 images of a circle or a
/// square (the same images as DetectorsTests' `TinyShapes`).
enum TinyShapes {
  static let classes = DetectorClass.numbered(["circle", "square"])

  static func configuration(boxLoss: BoxRegressionLoss = .l1) -> ClassifyAndLocalizeConfiguration {
    ClassifyAndLocalizeConfiguration(
      classes: classes, inputWidth: 24, inputHeight: 24, channels: [4, 8, 8, 8],
      hiddenFeatures: 16, boxLoss: boxLoss)
  }

  static func set(
    count: Int, seed: UInt64, configuration: ClassifyAndLocalizeConfiguration = configuration()
  ) -> LocalizationSet {
    let shapes = try! SyntheticShapes(width: 24, height: 24, shapes: [.circle, .square])
    let samples = (0..<count).map { index -> LocalizationSet.Sample in
      let sample = shapes.sample(index, seed: seed)
      let b = sample.box
      return LocalizationSet.Sample(
        imageID: index + 1, width: 24, height: 24,
        pixels: sample.image.normalizedPlanes(mean: configuration.mean, std: configuration.std),
        label: sample.shape == .circle ? 0 : 1,
        box: Box(x1: b.x1 / 24, y1: b.y1 / 24, x2: b.x2 / 24, y2: b.y2 / 24))
    }
    return LocalizationSet(inputWidth: 24, inputHeight: 24, samples: samples)
  }
}
