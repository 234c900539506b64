import Boxes
import Datasets
import Detectors
import Foundation
import NeuralNet
import ONNX
import RegionKitTestSupport
import Testing

/// A classifier trained elsewhere as R-CNN's region classifier: outputs against onnxruntime,
/// logits vs a Softmax node, labels mapped to classes, and the errors.
@Suite struct ONNXRegionClassifierTests {
  typealias Fixture = ShapesClassifierFixture

  /// onnxruntime's probabilities of the sample crops, columns in the dataset's class order
  /// (the labels are background, triangle, square, circle).
  func expectedProbabilities() throws -> [Float] {
    let p = try Fixture.array("probabilities")
    return (0..<4).flatMap { r in [0, 3, 2, 1].map { p.data[r * 4 + $0] } }
  }

  @Test func logitsAndSoftmaxModelsBothGiveOnnxruntimesProbabilities() throws {
    let crops = try Fixture.array("crops")
    for (model, kind) in [
      (try Fixture.logits(), ONNXRegionClassifier.OutputKind.logits),
      (try Fixture.softmax(), .probabilities),
    ] {
      let classifier = try ONNXRegionClassifier(
        model: model, labels: Fixture.labels(), classes: Fixture.classes, cropSize: 32)
      #expect(classifier.outputKind == kind)
      let answer = try classifier.classify(crops)
      #expect(answer.probabilities.shape == [4, 4] && answer.boxDeltas == nil)
      #expect(
        closeMismatch(
          answer.probabilities.data, try expectedProbabilities(), atol: 1e-5, rtol: 1e-4)
          == nil, "\(kind)")
    }
  }

  @Test func theSampleCropsGetTheirLabels() throws {
    // The fixture's crops are one of each label: background, triangle, square, circle.
    let classifier = try ONNXRegionClassifier(
      model: Fixture.logits(), labels: Fixture.labels(), classes: Fixture.classes, cropSize: 32)
    let p = try classifier.classify(Fixture.array("crops")).probabilities
    let best = (0..<4).map { r in (0..<4).max { p.data[r * 4 + $0] < p.data[r * 4 + $1] }! }
    #expect(best == [0, 3, 2, 1])
  }

  @Test func extraLabelsAddToTheBackground() throws {
    let classifier = try ONNXRegionClassifier(
      model: Fixture.softmax(), labels: Fixture.labels(), classes: ["square", "circle"],
      cropSize: 32)
    #expect(classifier.labels.extraLabels == ["triangle"])
    let p = try classifier.classify(Fixture.array("crops")).probabilities
    let expected = try Fixture.array("probabilities")
    for r in 0..<4 {
      let e = Array(expected.data[(r * 4)..<(r * 4 + 4)])
      let want = [e[0] + e[1], e[2], e[3]]
      #expect(
        closeMismatch(Array(p.data[(r * 3)..<(r * 3 + 3)]), want, atol: 1e-5, rtol: 1e-4) == nil)
    }
  }

  @Test func mismatchesAreTypedErrors() throws {
    let model = try Fixture.logits()
    let labels = try Fixture.labels()
    // A dataset class the labels lack.
    #expect {
      _ = try ONNXRegionClassifier(
        model: model, labels: labels, classes: ["circle", "star"], cropSize: 32,
        labelsFile: "l.txt")
    } throws: { error in
      guard case .invalidLabels("l.txt", let reason)? = error as? DetectorsError else {
        return false
      }
      return reason.contains("\"star\"")
    }
    // Fewer labels than output columns.
    #expect {
      _ = try ONNXRegionClassifier(
        model: model, labels: Array(labels.dropLast()), classes: ["square"], cropSize: 32)
    } throws: { error in
      (error as? DetectorsError)?.description.contains("3 labels") == true
    }
    // Another crop size than the network declares.
    #expect {
      _ = try ONNXRegionClassifier(
        model: model, labels: labels, classes: Fixture.classes, cropSize: 48)
    } throws: { error in
      guard case .invalidValue(_, "inputSize", "48", let allowed)? = error as? DetectorsError
      else { return false }
      return allowed.hasPrefix("32")
    }
    // An output the graph does not have.
    #expect(throws: ONNXError.self) {
      _ = try ONNXRegionClassifier(
        model: model, output: "fc8", labels: labels, classes: Fixture.classes, cropSize: 32)
    }
    // Crops of the wrong size.
    let classifier = try ONNXRegionClassifier(
      model: model, labels: labels, classes: Fixture.classes, cropSize: 32)
    #expect(throws: DetectorsError.self) {
      _ = try classifier.classify(Tensor(zeros: [2, 3, 16, 16]))
    }
  }

  @Test func detectionsWithLogitsAndWithASoftmaxNodeAgree() throws {
    let scenes = try SyntheticScenes(width: 64, height: 64, maxObjects: 2)
    let sample = scenes.sample(1, seed: 9)
    var proposals: [Box] = sample.objects.map(\.box)
    for y in stride(from: 0, to: 48, by: 8) {
      for x in stride(from: 0, to: 48, by: 8) {
        proposals.append(Box(x1: Float(x), y1: Float(y), x2: Float(x + 20), y2: Float(y + 20)))
      }
    }
    func detections(_ model: ONNXModel) throws -> [DetectedObject] {
      let classifier = try ONNXRegionClassifier(
        model: model, labels: Fixture.labels(), classes: Fixture.classes, cropSize: 32)
      return try RCNN(classifier: classifier, inputSize: 32).detect(
        in: sample.image, proposals: proposals)
    }
    let fromLogits = try detections(Fixture.logits())
    let fromSoftmax = try detections(Fixture.softmax())
    #expect(!fromLogits.isEmpty && fromLogits.count == fromSoftmax.count)
    for (a, b) in zip(fromLogits, fromSoftmax) {
      #expect(a.box == b.box && a.label == b.label && abs(a.score - b.score) < 1e-5)
    }
    // The ground-truth shapes are found with their classes.
    for object in sample.objects {
      #expect(
        fromLogits.contains { $0.box == object.box && $0.category.name == object.shape.rawValue })
    }
  }
}
