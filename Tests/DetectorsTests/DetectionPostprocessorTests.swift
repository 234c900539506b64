import Boxes
import Detectors
import NeuralNet
import Testing

/// Decoding, thresholds, per-class NMS and shape validation of region classifications.
@Suite struct DetectionPostprocessorTests {
  let classes = [
    DetectorClass(name: "cat", categoryID: 17), DetectorClass(name: "dog", categoryID: 18),
  ]
  let regions = [
    Box(x1: 10, y1: 10, x2: 50, y2: 50), Box(x1: 12, y1: 12, x2: 52, y2: 52),
    Box(x1: 60, y1: 60, x2: 90, y2: 90),
  ]

  @Test func perClassSuppressionKeepsOtherClassesAndDropsBackground() {
    // Rows: region 0 → class 1 (0.9), region 1 → class 1 (0.8) and class 2 (0.15),
    // region 2 → background.
    let probabilities = Tensor(
      shape: [3, 3], data: [0.05, 0.9, 0.05, 0.05, 0.8, 0.15, 0.98, 0.01, 0.01])
    let objects = DetectionPostprocessor().detections(
      regions: regions, classification: RegionClassification(probabilities: probabilities),
      classes: classes, imageWidth: 100, imageHeight: 100)
    #expect(
      objects == [
        DetectedObject(box: regions[0], label: 1, score: 0.9, category: classes[0]),
        DetectedObject(box: regions[1], label: 2, score: 0.15, category: classes[1]),
      ])
    // Each detection carries its class's dataset category id.
    #expect(objects.map(\.category.categoryID) == [17, 18])
  }

  @Test func decodesClassSpecificDeltasAndClipsToTheImage() {
    let probabilities = Tensor(shape: [1, 2], data: [0.1, 0.9])
    let target = Box(x1: 70, y1: 20, x2: 130, y2: 60)  // right side leaves a 100-wide image
    let coder = BoxCoder()
    let delta = coder.encode(target, relativeTo: regions[0])
    let deltas = Tensor(shape: [1, 8], data: [9, 9, 9, 9, delta.dx, delta.dy, delta.dw, delta.dh])
    let objects = DetectionPostprocessor().detections(
      regions: [regions[0]],
      classification: RegionClassification(probabilities: probabilities, boxDeltas: deltas),
      classes: [classes[0]], imageWidth: 100, imageHeight: 100)
    #expect(objects.count == 1)
    #expect(abs(objects[0].box.x1 - 70) < 1e-3 && objects[0].box.x2 == 100)
    #expect(abs(objects[0].box.y2 - 60) < 1e-3)
  }

  @Test func keepsAtMostMaxDetections() {
    let boxes = (0..<20).map { Box(x: Float($0) * 10, y: 0, width: 8, height: 8) }
    let probabilities = Tensor(
      shape: [20, 2], data: (0..<20).flatMap { [Float(0.5), 0.5 - Float($0) * 0.01] })
    let post = DetectionPostprocessor(maxDetections: 5)
    let objects = post.detections(
      regions: boxes, classification: RegionClassification(probabilities: probabilities),
      classes: [classes[0]], imageWidth: 200, imageHeight: 10)
    #expect(objects.map(\.box) == Array(boxes.prefix(5)))
  }

  @Test func validationNamesTheClassifierAndTheShape() {
    let bad = RegionClassification(probabilities: Tensor(zeros: [2, 2]))
    #expect(throws: DetectorsError.self) {
      try bad.validate(regionCount: 2, classCount: 2, classifier: "mine")
    }
    let nan = RegionClassification(probabilities: Tensor(shape: [1, 2], data: [.nan, 1]))
    do {
      try nan.validate(regionCount: 1, classCount: 1, classifier: "mine")
      Issue.record("NaN accepted")
    } catch {
      #expect("\(error)".contains("mine") && "\(error)".contains("nan"))
    }
    #expect(throws: Never.self) {
      try RegionClassification(
        probabilities: Tensor(zeros: [3, 4]), boxDeltas: Tensor(zeros: [3, 16])
      ).validate(regionCount: 3, classCount: 3, classifier: "ok")
    }
  }
}
