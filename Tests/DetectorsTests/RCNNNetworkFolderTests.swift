import Boxes
import Datasets
import Detectors
import Foundation
import NeuralNet
import ONNX
import RegionKitTestSupport
import Testing

/// R-CNN model folders with an ONNX network (onnx-features, onnx): the files copied in, loading
/// as the saved detector, and the errors of missing files and bad `"network"` values.
@Suite struct RCNNNetworkFolderTests {
  typealias Fixture = ShapesClassifierFixture
  static let classes = DetectorClass.numbered(Fixture.classes)
  static let scene = try! SyntheticScenes(width: 64, height: 64, maxObjects: 2).sample(3, seed: 11)
  static let proposals: [Box] =
    scene.objects.map(\.box) + [
      Box(x1: 0, y1: 0, x2: 30, y2: 30), Box(x1: 20, y1: 10, x2: 60, y2: 50),
      Box(x1: 5, y1: 30, x2: 40, y2: 62),
    ]

  func onnxConfiguration() -> RCNNConfiguration {
    var configuration = RCNNConfiguration(
      backend: .onnx, classes: Self.classes, inputSize: 32,
      network: ONNXNetworkSettings(
        file: "shapes_classifier.onnx", labelsFile: ONNXNetworkSettings.defaultLabelsFile))
    configuration.scoreThreshold = 0
    return configuration
  }

  /// A folder with the fixture network and labels copied in and `configuration` written.
  func folder(_ configuration: RCNNConfiguration, tensors: [String: Tensor]? = nil) throws -> URL {
    let folder = try Fixtures.temporaryDirectory("rcnn-network-folder")
    let settings = try #require(configuration.network)
    let copied = try settings.copyFiles(
      model: Fixture.logitsURL, labels: configuration.backend == .onnx ? Fixture.labelsURL : nil,
      into: folder)
    #expect(copied.first == settings.file)
    if let tensors {
      try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
    } else {
      try ModelFolder.writeJSON(
        configuration, to: folder.appendingPathComponent(ModelFolder.configurationFile))
    }
    return folder
  }

  @Test func anONNXClassifierFolderLoadsAsItself() throws {
    let configuration = onnxConfiguration()
    let folder = try folder(configuration)
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        == ["config.json", "labels.txt", "shapes_classifier.onnx"])
    let loaded = try #require(try DetectorModel.load(from: folder) as? RCNN)
    let classifier = try #require(loaded.classifier as? ONNXRegionClassifier)
    #expect(classifier.outputKind == .logits && classifier.labels.columns == [3, 2, 1])
    let original = DetectorModel.rcnn(
      configuration,
      classifier: try ONNXRegionClassifier(
        model: Fixture.logits(), labels: Fixture.labels(), classes: Fixture.classes,
        cropSize: 32))
    let expected = try original.detect(in: Self.scene.image, proposals: Self.proposals)
    #expect(!expected.isEmpty)
    #expect(try loaded.detect(in: Self.scene.image, proposals: Self.proposals) == expected)
  }

  @Test func anONNXFeaturesFolderLoadsAsItself() throws {
    var configuration = RCNNConfiguration(
      backend: .onnxFeatures, classes: Self.classes, inputSize: 32,
      network: ONNXNetworkSettings(file: "net.onnx", tensor: "fc7"))
    configuration.scoreThreshold = 0
    var random = SplitMix64(seed: 5)
    let extractor = try ONNXFeatureExtractor(model: Fixture.logits(), tensor: "fc7", cropSize: 32)
    let classifier = try SVMRegionClassifier(
      classes: Fixture.classes, extractor: extractor, featureScale: 0.7,
      machines: (0..<3).map { _ in
        LinearSVM(weights: (0..<32).map { _ in random.nextNormal() * 0.2 }, bias: -0.5)
      },
      calibrations: (0..<3).map { _ in PlattScaling(a: -2, b: 0.5) },
      regressors: (0..<3).map { _ in
        RidgeRegression(
          weights: (0..<128).map { _ in random.nextNormal() * 0.01 }, biases: [0.01, 0, 0, 0],
          featureCount: 32, outputCount: 4)
      })
    let folder = try folder(configuration, tensors: DetectorModel.tensors(of: classifier))
    defer { try? FileManager.default.removeItem(at: folder) }
    let loaded = try #require(try DetectorModel.load(from: folder) as? RCNN)
    let svm = try #require(loaded.classifier as? SVMRegionClassifier)
    #expect(svm.featureScale == 0.7 && svm.extractor is ONNXFeatureExtractor)
    let expected = try DetectorModel.rcnn(configuration, classifier: classifier).detect(
      in: Self.scene.image, proposals: Self.proposals)
    #expect(!expected.isEmpty)
    #expect(try loaded.detect(in: Self.scene.image, proposals: Self.proposals) == expected)
  }

  @Test func missingNetworkAndLabelsFilesAreNamed() throws {
    let folder = try folder(onnxConfiguration())
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.removeItem(at: folder.appendingPathComponent("labels.txt"))
    #expect(throws: DetectorsError.missingModelFile(folder: folder.path, file: "labels.txt")) {
      _ = try DetectorModel.load(from: folder)
    }
    try FileManager.default.removeItem(at: folder.appendingPathComponent("shapes_classifier.onnx"))
    #expect(
      throws: DetectorsError.missingModelFile(folder: folder.path, file: "shapes_classifier.onnx")
    ) { _ = try DetectorModel.load(from: folder) }
  }

  @Test func aCropSizeOtherThanTheNetworksIsRefusedOnLoad() throws {
    var configuration = onnxConfiguration()
    configuration.inputSize = 48
    let folder = try folder(configuration)
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = folder.appendingPathComponent("config.json").path
    #expect {
      _ = try DetectorModel.load(from: folder)
    } throws: { error in
      guard case .invalidValue(config, "inputSize", "48", let allowed)? = error as? DetectorsError
      else { return false }
      return allowed.contains("32x32")
    }
  }

  /// `"network"` values that `config.json` may not hold, each named by its key.
  @Test(
    arguments: [
      ("onnx", nil, nil, "network"),
      ("cnn", "n.onnx", nil, "network"),
      ("onnx", "n.onnx", nil, "network.labelsFile"),
      ("onnx-features", "n.onnx", "labels.txt", "network.labelsFile"),
      ("onnx", "sub/n.onnx", "labels.txt", "network.file"),
      ("onnx", "config.json", "labels.txt", "network.file"),
      ("onnx", "n.onnx", "n.onnx", "network.labelsFile"),
    ] as [(String, String?, String?, String)])
  func badNetworkValuesNameTheirKey(backend: String, file: String?, labels: String?, key: String)
    throws
  {
    let backend = try #require(RCNNBackend(rawValue: backend))
    let network = file.map { ONNXNetworkSettings(file: $0, labelsFile: labels) }
    let configuration = RCNNConfiguration(
      backend: backend, classes: Self.classes, inputSize: 32, network: network)
    #expect {
      try configuration.validate(file: "m/config.json")
    } throws: { error in
      guard case .invalidValue("m/config.json", let found, _, _)? = error as? DetectorsError
      else { return false }
      return found == key
    }
  }

  @Test func theSideFilesOfExternalWeightsAreCopiedAlong() throws {
    let folder = try Fixtures.temporaryDirectory("rcnn-network-external")
    defer { try? FileManager.default.removeItem(at: folder) }
    let settings = ONNXNetworkSettings(file: "net.onnx")
    let copied = try settings.copyFiles(
      model: Fixtures.url("onnx/weights_external.onnx"), labels: nil, into: folder)
    #expect(copied == ["net.onnx", "weights_external.weights"])
    let model = try settings.loadModel(in: folder)
    #expect(model.parameterCount == 127)
  }
}
