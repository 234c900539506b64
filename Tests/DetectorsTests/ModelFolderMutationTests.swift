import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// A valid saved model folder of every kind, mutated one `config.json` key or one weight
/// tensor at a time: loading either succeeds (the value is allowed) or throws a typed error
/// naming the file and the key or tensor at fault — never a trap.
@Suite(.tags(.slow)) struct ModelFolderMutationTests {
  static let classes = [
    DetectorClass(name: "bright", categoryID: 3), DetectorClass(name: "dark", categoryID: 7),
  ]

  /// The kinds of model folder, each with a small valid configuration and its weights (none
  /// for the kinds whose network is an ONNX file or a command: their configuration is
  /// checked alone).
  enum Kind: String, CaseIterable, Sendable {
    case classifyLocalize, fastRCNN, fasterRCNN, rcnnCNN, rcnnHOGSVM, rcnnONNXFeatures, rcnnONNX
    case rcnnCommand

    func fast(_ architecture: DetectorArchitecture) -> FastRCNNConfiguration {
      var c = FastRCNNConfiguration(architecture: architecture, classes: classes)
      c.maxSide = 32
      c.backboneChannels = [4, 8]
      c.hiddenSize = 8
      c.pooledSize = 2
      c.anchorSizes = [8, 16]
      return c
    }

    /// Saves this kind's folder into `folder`.
    func save(to folder: URL) throws {
      switch self {
      case .classifyLocalize:
        let c = ClassifyAndLocalizeConfiguration(classes: classes, inputWidth: 16, inputHeight: 16)
        var model = ClassifyAndLocalize(configuration: c, seed: 1)
        try ModelFolder.save(configuration: c, tensors: model.stateDict(), to: folder)
      case .fastRCNN, .fasterRCNN:
        let c = fast(self == .fastRCNN ? .fastRCNN : .fasterRCNN)
        var model = try FasterRCNN(configuration: c, seed: 1)
        try ModelFolder.save(
          configuration: c, tensors: DetectorModel.tensors(of: &model), to: folder)
      case .rcnnCNN:
        var c = RCNNConfiguration(backend: .cnn, classes: classes, inputSize: 16)
        c.channels = [4, 8]
        c.hiddenFeatures = 8
        var network = DetectorModel.makeCNN(c, seed: 1)
        try ModelFolder.save(configuration: c, tensors: network.stateDict(), to: folder)
      case .rcnnHOGSVM:
        let c = RCNNConfiguration(backend: .hogSVM, classes: classes, inputSize: 16)
        let d = c.hog.featureCount(width: 16, height: 16)
        let classifier = try SVMRegionClassifier(
          classes: c.classNames, extractor: c.hog,
          machines: (0..<2).map {
            LinearSVM(weights: .init(repeating: 0.01 * Float($0 + 1), count: d), bias: 0.1)
          },
          calibrations: [PlattScaling(a: -1.5, b: 0.2), PlattScaling(a: -0.7, b: -0.1)],
          regressors: (0..<2).map { _ in
            RidgeRegression(
              weights: .init(repeating: 0.001, count: 4 * d), biases: [0, 0, 0, 0],
              featureCount: d, outputCount: 4)
          })
        try ModelFolder.save(
          configuration: c, tensors: DetectorModel.tensors(of: classifier), to: folder)
      case .rcnnONNXFeatures:
        let c = RCNNConfiguration(
          backend: .onnxFeatures, classes: classes, inputSize: 32,
          network: ONNXNetworkSettings(file: "net.onnx", tensor: "pool5", pooling: .flatten))
        try ModelFolder.save(configuration: c, tensors: [:], to: folder)
      case .rcnnONNX:
        let c = RCNNConfiguration(
          backend: .onnx, classes: classes, inputSize: 224,
          network: ONNXNetworkSettings(file: "classifier.onnx", labelsFile: "labels.txt"))
        try ModelFolder.save(configuration: c, tensors: [:], to: folder)
      case .rcnnCommand:
        var c = RCNNConfiguration(backend: .command, classes: classes, inputSize: 16)
        c.command = .init(command: "python3 classify.py", timeout: 30, processes: 2)
        try ModelFolder.save(configuration: c, tensors: [:], to: folder)
      }
    }

    /// Whether the folder holds weights, loaded with the whole model.
    var hasWeights: Bool { ![.rcnnONNXFeatures, .rcnnONNX, .rcnnCommand].contains(self) }

    /// Loads what can be loaded without a network file: the whole model, or the configuration.
    func load(_ folder: URL) throws {
      switch self {
      case .classifyLocalize, .fastRCNN, .fasterRCNN, .rcnnCNN, .rcnnHOGSVM:
        _ = try DetectorModel.load(from: folder)
      case .rcnnONNXFeatures, .rcnnONNX, .rcnnCommand:
        _ = try ModelFolder.configuration(RCNNConfiguration.self, in: folder)
      }
    }
  }

  /// One change to a JSON value.
  enum Mutation: String, CaseIterable {
    case missing, wrongType, emptyList, zero, negative, huge, nanString, elementHuge
    case elementNegative

    /// The new value, `nil` to remove the key, or `.none` when it does not apply.
    func apply(to value: Any) -> Any?? {
      switch self {
      case .missing: return .some(nil)
      case .wrongType: return value is String ? 17 : "x"
      case .emptyList: return [Any]()
      case .zero: return 0
      case .negative: return -1
      case .huge: return 1e12
      case .nanString: return "NaN"
      case .elementHuge, .elementNegative:
        guard var list = value as? [Any], !list.isEmpty, list[0] is NSNumber else { return .none }
        list[0] = self == .elementHuge ? 1e12 : -1
        return list
      }
    }
  }

  /// Every key path of a JSON object, nested objects included (`training.epochs`).
  static func keyPaths(_ object: [String: Any], prefix: [String] = []) -> [[String]] {
    object.keys.sorted().flatMap { key -> [[String]] in
      let path = prefix + [key]
      if let inner = object[key] as? [String: Any] { return [path] + keyPaths(inner, prefix: path) }
      return [path]
    }
  }

  static func value(at path: [String], in object: [String: Any]) -> Any? {
    guard let first = path.first else { return object }
    if path.count == 1 { return object[first] }
    return (object[first] as? [String: Any]).flatMap { value(at: Array(path.dropFirst()), in: $0) }
  }

  static func setting(_ value: Any?, at path: [String], in object: [String: Any]) -> [String: Any] {
    var copy = object
    if path.count == 1 {
      copy[path[0]] = value
    } else if let inner = object[path[0]] as? [String: Any] {
      copy[path[0]] = setting(value, at: Array(path.dropFirst()), in: inner)
    }
    return copy
  }

  /// Every mutation of every key either loads or names the file and the key.
  @Test(arguments: Kind.allCases)
  func everyConfigurationKeyIsCheckedOnLoad(_ kind: Kind) throws {
    let folder = try Fixtures.temporaryDirectory("model-mutation-\(kind.rawValue)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try kind.save(to: folder)
    try kind.load(folder)
    let config = folder.appendingPathComponent(ModelFolder.configurationFile)
    let original = try Data(contentsOf: config)
    let json = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
    var checked = 0
    for path in Self.keyPaths(json) {
      let value = try #require(Self.value(at: path, in: json))
      for mutation in Mutation.allCases {
        guard case .some(let newValue) = mutation.apply(to: value) else { continue }
        let mutated = Self.setting(newValue, at: path, in: json)
        try JSONSerialization.data(withJSONObject: mutated).write(to: config)
        checked += 1
        do {
          try kind.load(folder)
        } catch let error as DetectorsError {
          let text = error.description
          let key = path.last!
          // A key inside an enum's one-key object (`"boxLoss": {"l1": {}}`) is named by the
          // enum's key.
          let parent = path.count > 1 ? Self.value(at: Array(path.dropLast()), in: json) : nil
          let named =
            text.contains(key)
            || (["format", "architecture"].contains(key) && path.count == 1)
            || ((parent as? [String: Any])?.count == 1 && text.contains(path[path.count - 2]))
          #expect(
            named && text.contains(config.path),
            "\(path.joined(separator: ".")) \(mutation): \(text)")
        } catch {
          Issue.record(
            "\(path.joined(separator: ".")) \(mutation): untyped \(type(of: error)): \(error)")
        }
      }
    }
    #expect(checked > 20)
  }

  /// One NaN, one infinity, a wrong shape, a missing and an extra tensor: each an error naming
  /// `model.safetensors` and the tensor.
  @Test(arguments: Kind.allCases.filter(\.hasWeights))
  func everyWeightTensorIsCheckedOnLoad(_ kind: Kind) throws {
    let folder = try Fixtures.temporaryDirectory("model-weights-\(kind.rawValue)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try kind.save(to: folder)
    let file = folder.appendingPathComponent(ModelFolder.weightsFile)
    let tensors = try ModelFolder.weights(in: folder)
    for name in tensors.keys.sorted() {
      let tensor = tensors[name]!
      var nan = tensor
      nan.data[nan.count / 2] = .nan
      var infinite = tensor
      infinite.data[0] = -.infinity
      let wrongShape = Tensor(zeros: tensor.shape + [2])
      let cases: [(String, [String: Tensor])] = [
        ("NaN", tensors.merging([name: nan]) { $1 }),
        ("infinity", tensors.merging([name: infinite]) { $1 }),
        ("shape", tensors.merging([name: wrongShape]) { $1 }),
        ("missing", tensors.filter { $0.key != name }),
      ]
      for (change, weights) in cases {
        try ModelFolder.writeTensors(weights, to: file)
        do {
          try kind.load(folder)
          // hog-svm folders written before the feature scale existed load with scale 1.
          if !(name == "feature_scale" && change == "missing") {
            Issue.record("\(name) \(change): loaded")
          }
        } catch {
          let text = "\(error)"
          #expect(
            text.contains(name) && text.contains(file.path), "\(name) \(change): \(text)")
        }
      }
    }
    try ModelFolder.writeTensors(
      tensors.merging(["stray.weight": Tensor(zeros: [2])]) { $1 }, to: file)
    do {
      try kind.load(folder)
      Issue.record("stray.weight: loaded")
    } catch {
      #expect("\(error)".contains("stray.weight"), "\(error)")
    }
  }
}
