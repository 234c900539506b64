import Boxes
import DetectorTraining
import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// hog-svm on a set where a class has no object: its SVM and box regressor are well formed
/// (the regressor gives zero deltas), the report warns, and the model saves and loads back.
@Suite(.tags(.slow)) struct RCNNTrainerEmptyClassTests {
  /// TinyScenes' three shapes plus a class no scene holds.
  static let classes = DetectorClass.numbered(["circle", "square", "triangle", "star"])

  @Test func aClassWithoutSamplesGetsZeroDeltasOfTheRightSize() throws {
    var configuration = RCNNConfiguration(backend: .hogSVM, classes: Self.classes, inputSize: 16)
    configuration.scoreThreshold = 0
    let images = TinyScenes.images()
    let (classifier, report) = try RCNNTrainer(configuration: configuration, seed: 1, threads: 1)
      .trainSVMs(images, extractor: configuration.hog)
    let d = configuration.hog.featureCount(width: 16, height: 16)
    #expect(report.featureCount == d)
    #expect(report.positives[3] == 0 && report.regressionSamples[3] == 0)
    let regressors = try #require(classifier.regressors)
    #expect(classifier.machines.allSatisfy { $0.weights.count == d })
    #expect(regressors.allSatisfy { $0.featureCount == d && $0.weights.count == 4 * d })
    #expect(regressors[3].weights.allSatisfy { $0 == 0 } && regressors[3].biases == [0, 0, 0, 0])
    let warnings = report.warnings(classes: configuration.classNames)
    #expect(warnings.count == 2 && warnings.allSatisfy { $0.contains("star") }, "\(warnings)")
    #expect(warnings.contains { $0.contains("zero deltas") })

    let tensors = try DetectorModel.tensors(of: classifier)
    #expect(tensors["bbox_reg.weight"]?.shape == [4, d, 4])
    #expect(tensors["svm.weight"]?.shape == [4, d])
    let folder = try Fixtures.temporaryDirectory("rcnn-empty-class")
    defer { try? FileManager.default.removeItem(at: folder) }
    try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
    let loaded = try #require(try DetectorModel.load(from: folder) as? RCNN)
    let original = DetectorModel.rcnn(configuration, classifier: classifier)
    let item = images[0]
    let expected = try original.classify(item.proposals, in: item.image)
    let again = try loaded.classify(item.proposals, in: item.image)
    #expect(again.probabilities == expected.probabilities)
    #expect(again.boxDeltas == expected.boxDeltas)
    // The class without samples leaves every box as proposed.
    let deltas = try #require(expected.boxDeltas)
    for row in 0..<item.proposals.count {
      #expect((16..<20).allSatisfy { deltas.data[row * 20 + $0] == 0 })
    }
  }

  /// A classifier whose parts do not fit together is an error, not a trap, when it is made
  /// or written.
  @Test func inconsistentPartsAreErrors() throws {
    let hog = HOGDescriptor()
    let machines = [LinearSVM(weights: [1, 2, 3], bias: 0), LinearSVM(weights: [1], bias: 0)]
    let calibrations = [PlattScaling(a: -1, b: 0), PlattScaling(a: -1, b: 0)]
    #expect(throws: DetectorsError.self) {
      _ = try SVMRegionClassifier(
        classes: ["a", "b"], extractor: hog, machines: machines, calibrations: calibrations)
    }
    var classifier = try SVMRegionClassifier(
      classes: ["a", "b"], extractor: hog, machines: [machines[0], machines[0]],
      calibrations: calibrations,
      regressors: [
        try RidgeRegression(samples: [], targets: [], featureCount: 3, outputCount: 4),
        try RidgeRegression(samples: [], targets: [], featureCount: 3, outputCount: 4),
      ])
    #expect(try DetectorModel.tensors(of: classifier)["bbox_reg.weight"]?.shape == [2, 3, 4])
    classifier.regressors?[1] = try RidgeRegression(samples: [], targets: [], outputCount: 4)
    #expect(throws: DetectorsError.self) { _ = try DetectorModel.tensors(of: classifier) }
  }
}
