import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// `config.json` and `model.safetensors`: round trips, outdated formats, out-of-range values
/// and non-finite weights.
@Suite struct ModelFolderTests {
  /// A configuration of each architecture (and R-CNN backend), with some non-default values.
  static func configurations() -> [any ModelConfiguration] {
    let classes = [
      DetectorClass(name: "cat", categoryID: 17), DetectorClass(name: "dog", categoryID: 18),
    ]
    var classify = ClassifyAndLocalizeConfiguration(
      classes: classes, includesBackground: true, inputWidth: 32, inputHeight: 24,
      boxLoss: .smoothL1(beta: 0.25), classificationWeight: 0.3)
    classify.training = TrainingSettings(epochs: 3, batchSize: 5, outlierFraction: 0.1)
    var fast = FastRCNNConfiguration(architecture: .fastRCNN, classes: classes)
    fast.maxSide = 256
    fast.anchorSizes = [48, 96, 192]
    fast.training.scaleJitter = 0.8...1.25
    fast.training.proposals = "proposals.jsonl"
    fast.proposalMethod = "proposals.jsonl"
    var faster = FastRCNNConfiguration(architecture: .fasterRCNN, classes: classes)
    faster.pooling = "pool"
    faster.rpnScoreThreshold = 0.5
    var cnn = RCNNConfiguration(backend: .cnn, classes: classes, inputSize: 16)
    cnn.channels = [4, 8]
    cnn.training.learningRate = 0.01
    var hog = RCNNConfiguration(backend: .hogSVM, classes: classes, maxProposals: 300)
    hog.svmC = 0.5
    var features = RCNNConfiguration(
      backend: .onnxFeatures, classes: classes, inputSize: 32,
      network: ONNXNetworkSettings(file: "net.onnx", tensor: "pool5", pooling: .flatten))
    features.featureNorm = 15
    let onnx = RCNNConfiguration(
      backend: .onnx, classes: classes, inputSize: 224,
      network: ONNXNetworkSettings(
        file: "classifier.onnx", labelsFile: "labels.txt",
        normalization: InputNormalization(
          mean: [103.94, 116.78, 123.68], std: [1, 1, 1], channelOrder: .bgr, pixelRange: 255)))
    return [classify, fast, faster, cnn, hog, features, onnx]
  }

  /// Saves `configuration` and reads it back as its own type.
  func roundTrip<Configuration: ModelConfiguration & Equatable>(
    _ configuration: Configuration, in folder: URL
  ) throws -> Bool {
    try ModelFolder.save(configuration: configuration, tensors: [:], to: folder)
    #expect(try ModelFolder.architecture(in: folder) == configuration.architecture)
    return try ModelFolder.configuration(Configuration.self, in: folder) == configuration
  }

  @Test(arguments: 0..<7)
  func configurationRoundTripsThroughConfigJSON(_ index: Int) throws {
    let folder = try Fixtures.temporaryDirectory("model-folder-config")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = Self.configurations()[index]
    switch configuration {
    case let c as ClassifyAndLocalizeConfiguration: #expect(try roundTrip(c, in: folder))
    case let c as FastRCNNConfiguration: #expect(try roundTrip(c, in: folder))
    case let c as RCNNConfiguration: #expect(try roundTrip(c, in: folder))
    default: Issue.record("unknown configuration \(configuration)")
    }
    let json = try String(
      contentsOf: folder.appendingPathComponent(ModelFolder.configurationFile), encoding: .utf8)
    #expect(json.contains("\"format\" : 2"))
    #expect(json.contains("\"architecture\" : \"\(configuration.architecture.rawValue)\""))
    #expect(json.contains("\"categoryID\" : 17"))
  }

  @Test func saveAndLoadGiveTheSameOutputs() throws {
    let folder = try Fixtures.temporaryDirectory("model-folder")
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = TinyShapes.configuration(boxLoss: .smoothL1(beta: 0.25))
    configuration.classificationWeight = 0.3
    var model = ClassifyAndLocalize(configuration: configuration, seed: 4)
    model.setTraining(false)
    try ModelFolder.save(configuration: configuration, tensors: model.stateDict(), to: folder)
    #expect(
      try ModelFolder.configuration(ClassifyAndLocalizeConfiguration.self, in: folder)
        == configuration)
    #expect(try ModelFolder.weights(in: folder) == model.stateDict())
    var loaded = try DetectorModel.loadClassifyAndLocalize(from: folder)
    let images = TinyShapes.batch(count: 2, seed: 1).images
    #expect(loaded.forward(images) == model.forward(images))
    let json = try String(contentsOf: folder.appendingPathComponent("config.json"), encoding: .utf8)
    #expect(
      json.contains("\"architecture\" : \"classify-localize\"")
        && json.contains("normalized-cxcywh"))
  }

  @Test func missingAndForeignFoldersAreErrors() throws {
    let folder = try Fixtures.temporaryDirectory("model-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(throws: DetectorsError.missingModelFile(folder: folder.path, file: "config.json")) {
      _ = try ModelFolder.architecture(in: folder)
    }
    let config = folder.appendingPathComponent("config.json")
    try Data(#"{"format": 2, "architecture": "yolo"}"#.utf8).write(to: config)
    #expect(throws: DetectorsError.unsupportedArchitecture(file: config.path, value: "yolo")) {
      _ = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    }
    try Data(#"{"format": 2}"#.utf8).write(to: config)
    #expect(throws: DetectorsError.self) { _ = try ModelFolder.architecture(in: folder) }
    try Data("{not json".utf8).write(to: config)
    let error = #expect(throws: DetectorsError.self) {
      _ = try ModelFolder.architecture(in: folder)
    }
    guard case .malformedConfiguration(let file, _)? = error else {
      Issue.record("expected malformedConfiguration, got \(String(describing: error))")
      return
    }
    #expect(file == config.path)
    // A configuration of another architecture is not mistaken for the one asked for.
    try ModelFolder.save(
      configuration: RCNNConfiguration(backend: .cnn, classes: TinyShapes.classes), tensors: [:],
      to: folder)
    #expect(throws: DetectorsError.self) {
      _ = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    }
    #expect(throws: DetectorsError.missingModelFile(folder: folder.path, file: "model.safetensors"))
    {
      try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
      _ = try ModelFolder.weights(in: folder)
    }
  }

  /// Model folders of format 1 (no `"format"`) or any other than 2 must be trained again.
  @Test(arguments: [nil, 1] as [Int?])
  func earlierFormatsAreOutdated(format: Int?) throws {
    let folder = try Fixtures.temporaryDirectory("model-outdated")
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = folder.appendingPathComponent("config.json")
    var json: [String: Any] = [
      "architecture": "rcnn", "classes": ["circle", "square"], "categoryIDs": [1, 2],
    ]
    if let format { json["format"] = format }
    try JSONSerialization.data(withJSONObject: json).write(to: config)
    let expected = DetectorsError.outdatedModelFormat(
      file: config.path, found: format, architecture: "rcnn")
    #expect(throws: expected) { _ = try ModelFolder.architecture(in: folder) }
    #expect(throws: expected) {
      _ = try ModelFolder.configuration(RCNNConfiguration.self, in: folder)
    }
    #expect(throws: expected) { _ = try DetectorModel.load(from: folder) }
    #expect(expected.description.contains("train it again"))
    #expect(expected.description.contains("regionkit train rcnn"))
    #expect(expected.description.contains("format \(format ?? 1)"))
  }

  /// One out-of-range value in a valid configuration: which configuration, the JSON key path,
  /// the value written there, and the key the error must name.
  struct BadValue: Sendable, CustomTestStringConvertible {
    var configuration: Int
    var path: [String]
    var value: Double?
    var list: [Double]?
    var key: String
    var testDescription: String { "\(key) = \(value.map { "\($0)" } ?? "\(list ?? [])")" }
  }

  static let badValues: [BadValue] = [
    BadValue(configuration: 0, path: ["classes"], list: [], key: "classes"),
    BadValue(configuration: 2, path: ["classes"], list: [], key: "classes"),
    BadValue(configuration: 3, path: ["classes"], list: [], key: "classes"),
    BadValue(configuration: 1, path: ["maxSide"], value: 0, key: "maxSide"),
    BadValue(configuration: 2, path: ["anchorSizes"], list: [], key: "anchorSizes"),
    BadValue(configuration: 0, path: ["std"], list: [0, 0, 0], key: "std"),
    BadValue(
      configuration: 1, path: ["normalization", "std"], list: [0, 0, 0], key: "normalization.std"),
    BadValue(configuration: 2, path: ["pooledSize"], value: -1, key: "pooledSize"),
    BadValue(configuration: 3, path: ["inputSize"], value: 100_000, key: "inputSize"),
    BadValue(configuration: 0, path: ["inputWidth"], value: 100_000, key: "inputWidth"),
    BadValue(configuration: 0, path: ["training", "epochs"], value: 0, key: "training.epochs"),
    BadValue(configuration: 1, path: ["training", "epochs"], value: -3, key: "training.epochs"),
    BadValue(configuration: 4, path: ["training", "epochs"], value: 0, key: "training.epochs"),
    BadValue(
      configuration: 1, path: ["training", "learningRate"], value: 1e30,
      key: "training.learningRate"),
    BadValue(configuration: 4, path: ["maxProposals"], value: 0, key: "maxProposals"),
    BadValue(configuration: 4, path: ["ridgeLambda"], value: 0, key: "ridgeLambda"),
    BadValue(configuration: 5, path: ["featureNorm"], value: -1, key: "featureNorm"),
  ]

  @Test(arguments: badValues)
  func outOfRangeValuesNameTheirKey(_ bad: BadValue) throws {
    let folder = try Fixtures.temporaryDirectory("model-invalid")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = Self.configurations()[bad.configuration]
    try ModelFolder.save(configuration: configuration, tensors: [:], to: folder)
    let config = folder.appendingPathComponent("config.json")
    var json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
    let newValue: Any = bad.value.map { $0 as Any } ?? (bad.list ?? [])
    if bad.path.count == 1 {
      json[bad.path[0]] = newValue
    } else {
      var inner = try #require(json[bad.path[0]] as? [String: Any])
      inner[bad.path[1]] = newValue
      json[bad.path[0]] = inner
    }
    try JSONSerialization.data(withJSONObject: json).write(to: config)
    switch configuration {
    case is ClassifyAndLocalizeConfiguration:
      expectInvalidValue(bad.key, in: config) {
        _ = try ModelFolder.configuration(ClassifyAndLocalizeConfiguration.self, in: folder)
      }
    case is FastRCNNConfiguration:
      expectInvalidValue(bad.key, in: config) {
        _ = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
      }
    default:
      expectInvalidValue(bad.key, in: config) {
        _ = try ModelFolder.configuration(RCNNConfiguration.self, in: folder)
      }
    }
    expectInvalidValue(bad.key, in: config) { _ = try DetectorModel.load(from: folder) }
  }

  /// `body` throws ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming `file` and
  /// `key`, and its description quotes the key.
  func expectInvalidValue(
    _ key: String, in file: URL?, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
  ) {
    let error = #expect(throws: DetectorsError.self, sourceLocation: sourceLocation) {
      try body()
    }
    guard case .invalidValue(let errorFile, let errorKey, _, _)? = error else {
      if let error {
        Issue.record("expected invalidValue, got \(error)", sourceLocation: sourceLocation)
      }
      return
    }
    #expect(errorKey == key, sourceLocation: sourceLocation)
    if let file { #expect(errorFile == file.path, sourceLocation: sourceLocation) }
    #expect(error!.description.contains("\"\(key)\""), sourceLocation: sourceLocation)
  }

  /// Every configuration made with the defaults is valid.
  @Test func defaultConfigurationsAreValid() {
    let classes = TinyShapes.classes
    #expect(throws: Never.self) {
      try ClassifyAndLocalizeConfiguration(classes: classes).validate(file: "c")
      try FastRCNNConfiguration(architecture: .fastRCNN, classes: classes).validate(file: "c")
      try FastRCNNConfiguration(architecture: .fasterRCNN, classes: classes).validate(file: "c")
      try RCNNConfiguration(backend: .cnn, classes: classes).validate(file: "c")
      try RCNNConfiguration(backend: .hogSVM, classes: classes).validate(file: "c")
      try RCNNConfiguration(
        backend: .onnxFeatures, classes: classes, network: ONNXNetworkSettings(file: "n.onnx")
      ).validate(file: "c")
      try RCNNConfiguration(
        backend: .onnx, classes: classes,
        network: ONNXNetworkSettings(file: "n.onnx", labelsFile: "labels.txt")
      ).validate(file: "c")
      try TrainingSettings().validate(file: "c")
    }
  }

  /// Two classes of one name would make detections ambiguous.
  @Test func duplicateClassNamesAreInvalid() {
    let classes = [
      DetectorClass(name: "cat", categoryID: 1), DetectorClass(name: "cat", categoryID: 2),
    ]
    expectInvalidValue("classes", in: URL(fileURLWithPath: "/m/config.json")) {
      try RCNNConfiguration(backend: .cnn, classes: classes).validate(file: "/m/config.json")
    }
  }

  @Test func nonFiniteWeightsAreRejected() throws {
    let folder = try Fixtures.temporaryDirectory("model-nan")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = TinyShapes.configuration()
    var model = ClassifyAndLocalize(configuration: configuration, seed: 1)
    var tensors = model.stateDict()
    var weight = try #require(tensors["box_head.weight"])
    weight.data[3] = .nan
    tensors["box_head.weight"] = weight
    try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
    let expected = DetectorsError.nonFiniteWeights(
      file: folder.appendingPathComponent("model.safetensors").path, tensor: "box_head.weight")
    #expect(throws: expected) { _ = try ModelFolder.weights(in: folder) }
    #expect(throws: expected) { _ = try DetectorModel.load(from: folder) }
    weight.data[3] = -.infinity
    tensors["box_head.weight"] = weight
    try ModelFolder.writeTensors(tensors, to: folder.appendingPathComponent("model.safetensors"))
    #expect(throws: expected) { _ = try DetectorModel.loadClassifyAndLocalize(from: folder) }
  }
}
