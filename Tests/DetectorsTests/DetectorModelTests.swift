import Boxes
import Detectors
import Foundation
import Imaging
import NeuralNet
import RegionKitTestSupport
import Testing

/// `DetectorModel.load(from:)` gives each architecture's own detector, which detects exactly
/// as the model that was saved.
@Suite struct DetectorModelTests {
  static let classes = [
    DetectorClass(name: "bright", categoryID: 3), DetectorClass(name: "dark", categoryID: 7),
  ]

  /// A 32x32 grey image with a bright and a dark square.
  static let image: Image = {
    var pixels = [Float](repeating: 0.5, count: 32 * 32 * 3)
    for y in 0..<32 {
      for x in 0..<32 {
        if (4..<14).contains(x) && (4..<14).contains(y) {
          for c in 0..<3 { pixels[(y * 32 + x) * 3 + c] = 1 }
        }
        if (18..<30).contains(x) && (16..<28).contains(y) {
          for c in 0..<3 { pixels[(y * 32 + x) * 3 + c] = 0 }
        }
      }
    }
    return Image(width: 32, height: 32, channels: 3, pixels: pixels)
  }()

  static let proposals = [
    Box(x1: 3, y1: 3, x2: 15, y2: 15), Box(x1: 17, y1: 15, x2: 31, y2: 29),
    Box(x1: 0, y1: 0, x2: 16, y2: 16), Box(x1: 8, y1: 8, x2: 24, y2: 24),
  ]

  func fastConfiguration(_ architecture: DetectorArchitecture) -> FastRCNNConfiguration {
    var c = FastRCNNConfiguration(architecture: architecture, classes: Self.classes)
    c.maxSide = 32
    c.backboneChannels = [4, 8, 8, 8]
    c.hiddenSize = 16
    c.pooledSize = 3
    c.anchorSizes = [8, 16]
    c.roisPerImage = 16
    c.rpnSampleCount = 32
    return c
  }

  /// Saves `detector`'s model into a fresh folder, loads it back with
  /// `DetectorModel.load(from:)` and returns it.
  func saveAndLoad(
    _ configuration: some ModelConfiguration, tensors: [String: Tensor]
  ) throws -> any Detector {
    let folder = try Fixtures.temporaryDirectory("detector-model")
    defer { try? FileManager.default.removeItem(at: folder) }
    try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
    return try DetectorModel.load(from: folder)
  }

  @Test func classifyAndLocalizeLoadsAsItself() throws {
    var configuration = ClassifyAndLocalizeConfiguration(
      classes: Self.classes, inputWidth: 24, inputHeight: 24, channels: [4, 8, 8, 8],
      hiddenFeatures: 16)
    configuration.training.epochs = 2
    var model = ClassifyAndLocalize(configuration: configuration, seed: 5)
    let loaded = try saveAndLoad(configuration, tensors: model.stateDict())
    let typed = try #require(loaded as? ClassifyAndLocalize)
    #expect(typed.configuration == configuration)
    #expect(loaded.classes == Self.classes && !loaded.acceptsProposals)
    let expected = try model.detect(in: Self.image)
    #expect(expected.count == 1)
    #expect(try loaded.detect(in: Self.image) == expected)
    #expect(expected.allSatisfy { $0.category == Self.classes[$0.label - 1] })
    #expect(throws: DetectorsError.self) {
      _ = try loaded.detect(in: Self.image, proposals: Self.proposals)
    }
  }

  @Test func fasterRCNNLoadsAsItself() throws {
    let configuration = fastConfiguration(.fasterRCNN)
    var model = try FasterRCNN(configuration: configuration, seed: 7)
    model.fast.postprocessor.scoreThreshold = 0
    let loaded = try saveAndLoad(configuration, tensors: DetectorModel.tensors(of: &model))
    var typed = try #require(loaded as? FasterRCNN)
    #expect(typed.configuration == configuration && !loaded.acceptsProposals)
    #expect(DetectorModel.tensors(of: &typed) == DetectorModel.tensors(of: &model))
    typed.fast.postprocessor.scoreThreshold = 0
    let expected = try model.detect(in: Self.image)
    #expect(!expected.isEmpty)
    #expect(try typed.detect(in: Self.image) == expected)
    #expect(throws: DetectorsError.self) {
      _ = try loaded.detect(in: Self.image, proposals: Self.proposals)
    }
  }

  @Test func fastRCNNLoadsAsItself() throws {
    let configuration = fastConfiguration(.fastRCNN)
    var model = try FasterRCNN(configuration: configuration, seed: 9)
    let tensors = DetectorModel.tensors(of: &model)
    // A Fast R-CNN folder holds no RPN.
    #expect(tensors.keys.allSatisfy { $0.hasPrefix("backbone.") || $0.hasPrefix("roi_heads.") })
    let loaded = try saveAndLoad(configuration, tensors: tensors)
    let typed = try #require(loaded as? FastRCNN)
    #expect(typed.configuration == configuration && loaded.acceptsProposals)
    let expected = try model.fast.detect(in: Self.image, proposals: Self.proposals)
    #expect(!expected.isEmpty)
    #expect(try loaded.detect(in: Self.image, proposals: Self.proposals) == expected)
  }

  /// A Fast R-CNN trained on a proposals file cannot make its own proposals.
  @Test func fastRCNNFromAFileNeedsProposals() throws {
    var configuration = fastConfiguration(.fastRCNN)
    configuration.proposalMethod = "train.jsonl"
    var model = try FasterRCNN(configuration: configuration, seed: 9)
    let loaded = try saveAndLoad(configuration, tensors: DetectorModel.tensors(of: &model))
    #expect(throws: DetectorsError.self) { _ = try loaded.detect(in: Self.image) }
    #expect(throws: Never.self) {
      _ = try loaded.detect(in: Self.image, proposals: Self.proposals)
    }
  }

  @Test func rcnnWithACNNLoadsAsItself() throws {
    var configuration = RCNNConfiguration(backend: .cnn, classes: Self.classes, inputSize: 16)
    configuration.channels = [4, 8]
    configuration.hiddenFeatures = 16
    configuration.scoreThreshold = 0
    var network = DetectorModel.makeCNN(configuration, seed: 3)
    network.setTraining(false)
    let original = DetectorModel.rcnn(configuration, classifier: network)
    let loaded = try saveAndLoad(configuration, tensors: network.stateDict())
    let typed = try #require(loaded as? RCNN)
    #expect(typed.classifier is CNNRegionClassifier)
    #expect(loaded.classes == Self.classes && loaded.acceptsProposals)
    let expected = try original.detect(in: Self.image, proposals: Self.proposals)
    #expect(!expected.isEmpty)
    #expect(try loaded.detect(in: Self.image, proposals: Self.proposals) == expected)
    #expect(expected.allSatisfy { $0.category == Self.classes[$0.label - 1] })
  }

  @Test func rcnnWithHOGAndSVMLoadsAsItself() throws {
    var configuration = RCNNConfiguration(backend: .hogSVM, classes: Self.classes, inputSize: 24)
    configuration.scoreThreshold = 0
    let d = configuration.hog.featureCount(width: 24, height: 24)
    var random = SplitMix64(seed: 11)
    let classifier = try SVMRegionClassifier(
      classes: configuration.classNames, extractor: configuration.hog,
      machines: (0..<2).map { _ in
        LinearSVM(weights: (0..<d).map { _ in random.nextNormal() * 0.1 }, bias: 0.1)
      },
      calibrations: [PlattScaling(a: -1.5, b: 0.2), PlattScaling(a: -0.7, b: -0.1)],
      regressors: (0..<2).map { _ in
        RidgeRegression(
          weights: (0..<(4 * d)).map { _ in random.nextNormal() * 0.01 }, biases: [0, 0, 0, 0],
          featureCount: d, outputCount: 4)
      })
    let original = DetectorModel.rcnn(configuration, classifier: classifier)
    let loaded = try saveAndLoad(configuration, tensors: DetectorModel.tensors(of: classifier))
    let typed = try #require(loaded as? RCNN)
    #expect(typed.classifier is SVMRegionClassifier)
    let expected = try original.detect(in: Self.image, proposals: Self.proposals)
    #expect(!expected.isEmpty)
    #expect(try loaded.detect(in: Self.image, proposals: Self.proposals) == expected)
  }

  /// Loading a folder whose weights do not fit its configuration is an error naming the file.
  @Test func mismatchedWeightsAreErrors() throws {
    let folder = try Fixtures.temporaryDirectory("detector-model-mismatch")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = fastConfiguration(.fasterRCNN)
    var model = try FasterRCNN(configuration: configuration, seed: 7)
    var tensors = DetectorModel.tensors(of: &model)
    let name = try #require(tensors.keys.sorted().first)
    tensors[name] = Tensor(zeros: [1])
    try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
    #expect(throws: NeuralNetError.self) { _ = try DetectorModel.load(from: folder) }
    tensors.removeValue(forKey: name)
    try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
    #expect(throws: NeuralNetError.self) { _ = try DetectorModel.load(from: folder) }
  }
}
