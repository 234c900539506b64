import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import Detectors

/// `config.json` of Fast and Faster R-CNN with backbones and normalisations: folders written
/// before both were options, round trips with an ONNX backbone, and the values refused.
@Suite struct FastRCNNConfigurationTests {
  static func dynamoFCN() throws -> ONNXBackbone {
    try ONNXBackbone(contentsOf: Fixtures.url("onnx/dynamo_fcn.onnx"), tensor: "max_pool2d")
  }

  /// A folder of the format before backbones and normalisations were options (`"mean"` and
  /// `"std"`, no `"backbone"`) loads as the small CNN and detects exactly as saved.
  @Test func foldersWithoutABackboneKeyHoldTheSmallCNN() throws {
    let folder = try Fixtures.temporaryDirectory("legacy-fast-rcnn")
    defer { try? FileManager.default.removeItem(at: folder) }
    var c = BackboneTests.configuration(.fasterRCNN)
    c.backboneChannels = [4, 8, 8, 8]
    var model = try FasterRCNN(configuration: c, seed: 6)
    try ModelFolder.save(configuration: c, tensors: DetectorModel.tensors(of: &model), to: folder)
    let config = folder.appendingPathComponent("config.json")
    var json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
    #expect(json["backbone"] != nil && json["normalization"] != nil && json["mean"] == nil)
    json["backbone"] = nil
    json["normalization"] = nil
    json["mean"] = [0.5, 0.5, 0.5]
    json["std"] = [0.25, 0.25, 0.25]
    try JSONSerialization.data(withJSONObject: json).write(to: config)
    let stored = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    #expect(stored == c)
    #expect(stored.backbone == .smallCNN(channels: [4, 8, 8, 8]))
    #expect(stored.normalization == .regionKit)
    let loaded = try #require(try DetectorModel.load(from: folder) as? FasterRCNN)
    let (image, _) = BackboneTests.image()
    #expect(try loaded.detect(in: image) == (try model.detect(in: image)))
    // Other means and deviations of such folders are kept.
    json["mean"] = [0.4, 0.5, 0.6]
    try JSONSerialization.data(withJSONObject: json).write(to: config)
    let other = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    #expect(
      other.normalization.mean == [0.4, 0.5, 0.6] && other.normalization.channelOrder == .rgb)
  }

  @Test(arguments: [false, true])
  func anONNXBackboneRoundTripsThroughTheModelFolder(frozen: Bool) throws {
    let folder = try Fixtures.temporaryDirectory("onnx-fast-rcnn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let onnx = try Self.dynamoFCN()
    var c = BackboneTests.configuration(.fastRCNN)
    c.backbone = onnx.configuration(frozen: frozen)
    c.normalization = InputNormalization(
      mean: [103.9, 116.8, 123.7], std: [57, 57, 57], channelOrder: .bgr, pixelRange: 255)
    let backbone: any Backbone = frozen ? onnx : try onnx.trainable()
    var model = try FasterRCNN(configuration: c, backbone: backbone, seed: 2)
    #expect(model.fast.freezesBackbone == frozen)
    let (image, objects) = BackboneTests.image()
    let input = FastRCNN.input(image, configuration: c)
    var optimizer = Adam(learningRate: 1e-2)
    for step in 0..<2 {
      model.fast.zeroGradients()
      _ = try model.fast.trainStep(
        input, proposals: BackboneTests.proposals, objects: objects, seed: UInt64(step))
      model.fast.visitParameters { optimizer.update($0, &$1) }
    }
    let tensors = DetectorModel.tensors(of: &model)
    #expect(tensors.keys.contains { $0.hasPrefix("backbone.") } == !frozen)
    try ModelFolder.save(configuration: model.configuration, tensors: tensors, to: folder)
    try onnx.copy(into: folder)
    let stored = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    #expect(stored == model.configuration)
    #expect(stored.backbone.tensor == "max_pool2d" && stored.backbone.stride == 2)
    #expect(stored.backbone.channels == 8 && stored.backbone.isFrozen == frozen)
    let loaded = try #require(try DetectorModel.load(from: folder) as? FastRCNN)
    #expect(loaded.freezesBackbone == frozen)
    #expect(
      try loaded.detect(in: image, proposals: BackboneTests.proposals)
        == (try model.fast.detect(in: image, proposals: BackboneTests.proposals)))
    if !frozen {
      // Fine-tuned weights differ from the network's own.
      let original = try onnx.features(input.tensor)
      #expect(try loaded.backbone.features(input.tensor) != original)
    }
  }

  struct BadValue: Sendable, CustomTestStringConvertible {
    var path: [String]
    var value: Any & Sendable
    var key: String
    var testDescription: String { "\(path.joined(separator: ".")) = \(value)" }
  }

  static let badValues: [BadValue] = [
    BadValue(path: ["normalization", "pixelRange"], value: 3, key: "normalization.pixelRange"),
    BadValue(path: ["normalization", "std"], value: [0.2, -1, 0.2], key: "normalization.std"),
    BadValue(path: ["normalization", "mean"], value: [0.5, 0.5], key: "normalization.mean"),
    BadValue(path: ["backbone", "frozen"], value: true, key: "backbone.frozen"),
    BadValue(path: ["backbone", "stride"], value: 16, key: "backbone.stride"),
    BadValue(path: ["backbone", "channels"], value: 0, key: "backbone.channels"),
  ]

  @Test(arguments: badValues)
  func outOfRangeValuesNameTheirKey(_ bad: BadValue) throws {
    let folder = try Fixtures.temporaryDirectory("fast-rcnn-invalid")
    defer { try? FileManager.default.removeItem(at: folder) }
    let c = BackboneTests.configuration()
    try ModelFolder.save(configuration: c, tensors: [:], to: folder)
    let config = folder.appendingPathComponent("config.json")
    var json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
    var inner = try #require(json[bad.path[0]] as? [String: Any])
    inner[bad.path[1]] = bad.value
    json[bad.path[0]] = inner
    try JSONSerialization.data(withJSONObject: json).write(to: config)
    let error = #expect(throws: DetectorsError.self) {
      _ = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    }
    guard case .invalidValue(let file, let key, _, _)? = error else {
      Issue.record("expected invalidValue, got \(String(describing: error))")
      return
    }
    #expect(file == config.path && key == bad.key)
  }

  @Test func unknownChannelOrdersAndBackboneKindsAreMalformed() throws {
    let folder = try Fixtures.temporaryDirectory("fast-rcnn-malformed")
    defer { try? FileManager.default.removeItem(at: folder) }
    let c = BackboneTests.configuration()
    for (key, field, value) in [
      ("normalization", "channelOrder", "gbr"), ("backbone", "kind", "resnet"),
    ] {
      try ModelFolder.save(configuration: c, tensors: [:], to: folder)
      let config = folder.appendingPathComponent("config.json")
      var json = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
      var inner = try #require(json[key] as? [String: Any])
      inner[field] = value
      json[key] = inner
      try JSONSerialization.data(withJSONObject: json).write(to: config)
      let error = #expect(throws: DetectorsError.self) {
        _ = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
      }
      guard case .malformedConfiguration(let file, let reason)? = error else {
        Issue.record("expected malformedConfiguration, got \(String(describing: error))")
        continue
      }
      #expect(file == config.path && reason.contains(value))
    }
  }

  /// A network with a fixed input size fixes `maxSide` and rules out scale jitter; images are
  /// padded to its size.
  @Test func aFixedInputSizeFixesTheInput() throws {
    let onnx = try ONNXBackbone(contentsOf: Fixtures.url("onnx/residual_cnn_batchnorm.onnx"))
    var c = BackboneTests.configuration()
    c.backbone = onnx.configuration(frozen: true)
    c.maxSide = 64
    #expect(
      throws: DetectorsError.invalidValue(
        file: "x", key: "maxSide", value: "64",
        allowed: "32, the larger side of the backbone's fixed input size 24x32")
    ) {
      try c.validate(file: "x")
    }
    c.maxSide = 32
    try c.validate(file: "x")
    c.training.scaleJitter = 0.8...1.2
    #expect(throws: DetectorsError.self) { try c.validate(file: "x") }
    c.training.scaleJitter = nil
    let (image, _) = BackboneTests.image()  // 32x32: 24x24 inside 24x32, padded on the right
    let input = FastRCNN.input(image, configuration: c)
    #expect(input.tensor.shape == [1, 3, 24, 32])
    #expect(input.width == 24 && input.height == 24 && input.scale == 0.75)
    // Row 5 crosses the bright square (columns 3-10 of 24); columns 24-31 are padding.
    let row = Array(input.tensor.data[(5 * 32)..<(6 * 32)])
    #expect(row[5] == 2 && row[20] == 0 && row[24...].allSatisfy { $0 == 0 })
    let mirrored = Array(input.mirrored().tensor.data[(5 * 32)..<(6 * 32)])
    #expect(mirrored[18] == 2 && mirrored[3] == 0 && mirrored[24...].allSatisfy { $0 == 0 })
    let model = FastRCNN(configuration: c, backbone: onnx, seed: 1)
    let detections = try model.detect(in: image, proposals: BackboneTests.proposals)
    #expect(detections.allSatisfy { $0.box.x2 <= 32 && $0.box.y2 <= 32 })
  }
}
