import Boxes
import Datasets
import Detectors
import Imaging
import NeuralNet

/// Small in-memory single-object images for fast model tests (24x24, circle or square).
///
/// DetectorTrainingTests has its own `TinyShapes` that wraps the same images in a
/// `LocalizationSet`, which lives in DetectorTraining.
enum TinyShapes {
  static let classes = DetectorClass.numbered(["circle", "square"])

  static func configuration(boxLoss: BoxRegressionLoss = .l1) -> ClassifyAndLocalizeConfiguration {
    ClassifyAndLocalizeConfiguration(
      classes: classes, inputWidth: 24, inputHeight: 24, channels: [4, 8, 8, 8],
      hiddenFeatures: 16, boxLoss: boxLoss)
  }

  /// Network inputs and targets of `count` images.
  struct Batch {
    /// `[count, 3, 24, 24]` normalised images.
    var images: Tensor
    /// 0 circle, 1 square.
    var labels: [Int]
    /// `[count, 4]` normalised `(cx, cy, w, h)`.
    var targets: Tensor
  }

  /// Image `index` of the sequence seeded by `seed`, with its label and unit box.
  static func sample(_ index: Int, seed: UInt64) -> (image: Image, label: Int, box: Box) {
    let shapes = try! SyntheticShapes(width: 24, height: 24, shapes: [.circle, .square])
    let sample = shapes.sample(index, seed: seed)
    let b = sample.box
    return (
      sample.image, sample.shape == .circle ? 0 : 1,
      Box(x1: b.x1 / 24, y1: b.y1 / 24, x2: b.x2 / 24, y2: b.y2 / 24)
    )
  }

  static func batch(
    count: Int, seed: UInt64, configuration: ClassifyAndLocalizeConfiguration = configuration()
  ) -> Batch {
    let plane = 3 * 24 * 24
    var images = Tensor(zeros: [count, 3, 24, 24])
    var targets = Tensor(zeros: [count, 4])
    var labels: [Int] = []
    for index in 0..<count {
      let sample = sample(index, seed: seed)
      let pixels = sample.image.normalizedPlanes(mean: configuration.mean, std: configuration.std)
      images.data.replaceSubrange((index * plane)..<((index + 1) * plane), with: pixels)
      targets.data.replaceSubrange(
        (index * 4)..<(index * 4 + 4), with: ClassifyAndLocalize.encode(sample.box))
      labels.append(sample.label)
    }
    return Batch(images: images, labels: labels, targets: targets)
  }
}
