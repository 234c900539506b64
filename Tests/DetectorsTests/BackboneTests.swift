import Boxes
import Foundation
import Imaging
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import Detectors

/// A user's Swift type as the backbone of Fast and Faster R-CNN: fixed (the head trains
/// alone) or trainable (its parameters train as `backbone.*`), saved and loaded again.
@Suite struct BackboneTests {
  /// The mean of the three planes in 4x4 cells: stride 4, one channel, nothing to train.
  struct GreyLevels: Backbone {
    var stride: Int { 4 }
    var outputChannels: Int { 1 }
    func features(_ input: Tensor) throws -> Tensor {
      let (height, width) = (input.shape[2], input.shape[3])
      var output = Tensor(zeros: [1, 1, (height + 3) / 4, (width + 3) / 4])
      for y in 0..<height {
        for x in 0..<width {
          let mean = (0..<3).map { input.data[($0 * height + y) * width + x] }.reduce(0, +) / 3
          output.data[(y / 4) * output.shape[3] + x / 4] += mean / 16
        }
      }
      return output
    }
  }

  /// One 3x3 convolution of stride 4: a backbone that trains with the heads.
  struct TinyConvolution: TrainableBackbone {
    var conv: Conv2d
    init(seed: UInt64) {
      conv = Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, stride: 4, padding: 1, seed: seed)
    }
    var stride: Int { 4 }
    var outputChannels: Int { 4 }
    func features(_ input: Tensor) throws -> Tensor { conv.output(for: input) }
    mutating func forward(_ input: Tensor) throws -> Tensor { conv.forward(input) }
    mutating func backward(_ featureGradient: Tensor) { _ = conv.backward(featureGradient) }
    mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
      conv.visitParameters { visit("conv.\($0)", &$1) }
    }
  }

  static func configuration(_ architecture: DetectorArchitecture = .fastRCNN)
    -> FastRCNNConfiguration
  {
    var c = FastRCNNConfiguration(
      architecture: architecture, classes: DetectorClass.numbered(["a", "b"]))
    c.maxSide = 32
    c.hiddenSize = 16
    c.pooledSize = 3
    c.roisPerImage = 16
    c.anchorSizes = [8, 16]
    c.rpnSampleCount = 32
    return c
  }

  /// A 32x32 image with a bright square (class 0) and a dark one (class 1).
  static func image() -> (Imaging.Image, [(box: Box, label: Int)]) {
    var pixels = [Float](repeating: 0.5, count: 32 * 32 * 3)
    for y in 0..<32 {
      for x in 0..<32 {
        if (4..<14).contains(x) && (4..<14).contains(y) {
          for ch in 0..<3 { pixels[(y * 32 + x) * 3 + ch] = 1 }
        }
        if (18..<30).contains(x) && (16..<28).contains(y) {
          for ch in 0..<3 { pixels[(y * 32 + x) * 3 + ch] = 0 }
        }
      }
    }
    return (
      Imaging.Image(width: 32, height: 32, channels: 3, pixels: pixels),
      [(Box(x1: 4, y1: 4, x2: 14, y2: 14), 0), (Box(x1: 18, y1: 16, x2: 30, y2: 28), 1)]
    )
  }

  static let proposals = [
    Box(x1: 3, y1: 3, x2: 15, y2: 15), Box(x1: 17, y1: 15, x2: 31, y2: 29),
    Box(x1: 0, y1: 0, x2: 16, y2: 16), Box(x1: 8, y1: 8, x2: 24, y2: 24),
    Box(x1: 16, y1: 0, x2: 32, y2: 16),
  ]

  @Test func aFixedSwiftBackboneTrainsTheHeadAlone() throws {
    let c = Self.configuration()
    var model = FastRCNN(
      configuration: c, backbone: GreyLevels(), seed: 3)
    #expect(model.freezesBackbone)
    #expect(model.configuration.stride == 4 && model.configuration.backbone.channels == 1)
    let (image, objects) = Self.image()
    let input = FastRCNN.input(image, configuration: c)
    var optimizer = Adam(learningRate: 3e-3)
    var names: [String] = []
    model.visitParameters { name, _ in names.append(name) }
    #expect(names.allSatisfy { $0.hasPrefix("roi_heads.") })
    var losses: [Float] = []
    for step in 0..<30 {
      model.zeroGradients()
      let l = try model.trainStep(
        input, proposals: Self.proposals, objects: objects, seed: UInt64(step))
      model.visitParameters { optimizer.update($0, &$1) }
      losses.append(l.total)
    }
    let first: Float = losses.prefix(3).reduce(0, +), last: Float = losses.suffix(3).reduce(0, +)
    #expect(last < 0.8 * first, "\(losses)")
    let detections = try model.detect(in: image, proposals: Self.proposals)
    #expect(detections.allSatisfy { $0.label >= 1 && $0.label <= 2 })
  }

  @Test(arguments: [DetectorArchitecture.fastRCNN, .fasterRCNN])
  func aTrainableSwiftBackboneTrainsAndLoadsBack(_ architecture: DetectorArchitecture) throws {
    let folder = try Fixtures.temporaryDirectory("swift-backbone")
    defer { try? FileManager.default.removeItem(at: folder) }
    var c = Self.configuration(architecture)
    let backbone = TinyConvolution(seed: 4)
    c.backbone = BackboneConfiguration.describing(backbone)
    #expect(c.backbone.kind == .custom && c.backbone.typeName == "TinyConvolution")
    #expect(!c.backbone.isFrozen)
    var model = try FasterRCNN(configuration: c, backbone: backbone, seed: 5)
    #expect(model.rpn.stride == 4)
    let (image, objects) = Self.image()
    let input = FastRCNN.input(image, configuration: c)
    var optimizer = Adam(learningRate: 1e-2)
    for step in 0..<3 {
      model.zeroGradients()
      if architecture == .fasterRCNN {
        _ = try model.trainStep(input, objects: objects, seed: UInt64(step))
      } else {
        _ = try model.fast.trainStep(
          input, proposals: Self.proposals, objects: objects, seed: UInt64(step))
      }
      model.visitParameters { optimizer.update($0, &$1) }
    }
    let tensors = DetectorModel.tensors(of: &model)
    #expect(tensors["backbone.conv.weight"] != nil && tensors["backbone.conv.bias"] != nil)
    #expect(tensors["backbone.conv.weight"] != backbone.conv.weight.value)
    try ModelFolder.save(configuration: model.configuration, tensors: tensors, to: folder)
    // The Swift type cannot be made from config.json: it has to be given.
    let error = #expect(throws: DetectorsError.self) { _ = try DetectorModel.load(from: folder) }
    #expect(error?.description.contains("TinyConvolution") == true)
    let loaded = try DetectorModel.loadFasterRCNN(
      from: folder, backbone: TinyConvolution(seed: 99))
    let objectsFound: [DetectedObject], expected: [DetectedObject]
    if architecture == .fasterRCNN {
      (objectsFound, expected) = (try loaded.detect(in: image), try model.detect(in: image))
    } else {
      objectsFound = try loaded.fast.detect(in: image, proposals: Self.proposals)
      expected = try model.fast.detect(in: image, proposals: Self.proposals)
    }
    #expect(objectsFound == expected)
    // A backbone of another stride does not fit the trained heads.
    #expect(throws: DetectorsError.self) {
      _ = try DetectorModel.loadFasterRCNN(from: folder, backbone: GreyLevels())
    }
  }
}
