import Boxes
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import ONNX

/// Bad files and bad graphs give typed errors naming the file and the node or tensor; none
/// crashes the process.
@Suite final class ONNXModelErrorTests {
  let folder: URL

  init() throws {
    folder = try Fixtures.temporaryDirectory("onnx-errors")
  }

  deinit {
    try? FileManager.default.removeItem(at: folder)
  }

  func load(_ builder: ModelBuilder) throws -> ONNXModel {
    try ONNXModel(contentsOf: try builder.write(to: folder))
  }

  @Test func aWellFormedBuiltModelLoadsAndRuns() throws {
    let model = try load(.conv())
    let y = try model.run(Tensor(shape: [2, 1, 4, 4], repeating: 1))
    #expect(y.shape == [2, 1, 4, 4])
    #expect(abs(y[0, 0, 1, 1] - 0.9) < 1e-6)  // nine taps of 0.1 inside
    #expect(abs(y[1, 0, 0, 0] - 0.4) < 1e-6)  // four taps at the corner
  }

  @Test func emptyTextImageAndMissingFilesAreNotModels() throws {
    let cases: [(String, [UInt8])] = [
      ("empty.onnx", []), ("text.onnx", Array("{\"not\": \"a model\"}".utf8)),
      ("image.onnx", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
      ("checkpoint.onnx", [0x50, 0x4B, 0x03, 0x04, 0, 0]),
    ]
    for (name, bytes) in cases {
      let url = folder.appendingPathComponent(name)
      try Data(bytes).write(to: url)
      #expect {
        _ = try ONNXModel(contentsOf: url)
      } throws: { error in
        guard case .notAModel(let file, _) = error as? ONNXError else { return false }
        return file.hasSuffix(name)
      }
    }
    #expect(throws: ONNXError.self) {
      _ = try ONNXModel(contentsOf: folder.appendingPathComponent("absent.onnx"))
    }
  }

  @Test func truncatedFilesAreErrorsAtEveryLength() throws {
    let bytes = try Data(contentsOf: FixtureModel.named("residual_cnn").url)
    for length in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 97)) {
      let url = folder.appendingPathComponent("truncated.onnx")
      try bytes.prefix(length).write(to: url)
      #expect(throws: ONNXError.self, "\(length) bytes") { _ = try ONNXModel(contentsOf: url) }
    }
  }

  /// Seeded random byte flips: each mutant either loads (and then runs or fails with a typed
  /// error) or is refused with a typed error; nothing traps.
  @Test func corruptedFilesNeverCrash() throws {
    let original = [UInt8](try Data(contentsOf: FixtureModel.named("depthwise_se_cnn").url))
    var generator = SplitMix64(seed: 21)
    var loaded = 0
    for _ in 0..<150 {
      var bytes = original
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let position = Int(generator.next() % UInt64(bytes.count))
        bytes[position] = UInt8(truncatingIfNeeded: generator.next())
      }
      let url = folder.appendingPathComponent("mutant.onnx")
      try Data(bytes).write(to: url)
      do {
        let model = try ONNXModel(contentsOf: url)
        loaded += 1
        _ = try? model.run(Tensor(shape: [1, 3, 16, 16], repeating: 0.5))
      } catch is ONNXError {
      }
    }
    #expect(loaded < 150)
  }

  @Test func aCycleIsNamed() throws {
    var builder = ModelBuilder()
    builder.nodes = [
      .init(op: "Relu", inputs: ["b"], outputs: ["a"], name: "first"),
      .init(op: "Relu", inputs: ["a"], outputs: ["b"], name: "second"),
      .init(op: "Add", inputs: ["x", "b"], outputs: ["y"], name: "last"),
    ]
    #expect(
      throws: ONNXError.cycle(
        file: folder.appendingPathComponent("model.onnx").path,
        nodes: ["\"first\"", "\"second\"", "\"last\""])
    ) {
      _ = try load(builder)
    }
  }

  @Test func aMissingInitializerIsAnUndefinedTensor() throws {
    var builder = ModelBuilder.conv()
    builder.initializers = []
    #expect(
      throws: ONNXError.undefinedTensor(
        file: folder.appendingPathComponent("model.onnx").path, node: "\"conv\"", tensor: "w")
    ) {
      _ = try load(builder)
    }
  }

  @Test func anInitializerWhoseDataDisagreesWithItsShapeIsRefused() throws {
    var builder = ModelBuilder.conv()
    builder.initializers[0].rawByteCount = 4 * 1_000  // more data than the 3x3 shape holds
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .invalidInitializer(_, let tensor, let reason) = error as? ONNXError else {
        return false
      }
      return tensor == "w" && reason.contains("4000 bytes")
    }
    builder.initializers[0].rawByteCount = 8  // less
    #expect(throws: ONNXError.self) { _ = try load(builder) }
    builder.initializers[0].rawByteCount = nil
    builder.initializers[0].dims = [1, 1, -3, 3]
    #expect(throws: ONNXError.self) { _ = try load(builder) }
    builder.initializers[0].dims = [1 << 40, 1 << 40, 1, 1]
    #expect(throws: ONNXError.self) { _ = try load(builder) }
  }

  @Test func aShapeMismatchIsFoundWhenLoadingAndNamesTheNode() throws {
    var builder = ModelBuilder.conv()
    builder.initializers[0] = .init(
      name: "w", dims: [1, 2, 3, 3], values: [Float](repeating: 0, count: 18))
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .shapeMismatch(_, let node, let op, let reason) = error as? ONNXError else {
        return false
      }
      return node == "\"conv\"" && op == "Conv" && reason.contains("channels")
    }
  }

  @Test func anUnsupportedOperatorNamesTheNodeTheOpsetAndTheSupportedList() throws {
    let url = FixtureModel.named("unsupported_op").url
    #expect {
      _ = try ONNXModel(contentsOf: url)
    } throws: { error in
      guard
        case .unsupportedOperator(let file, _, let op, let opset, let supported) = error
          as? ONNXError
      else { return false }
      return file == url.path && op == "LSTM" && opset == 13 && supported.contains("Conv")
        && (error as! ONNXError).description.contains("LSTM")
    }
  }

  @Test func opsetsOutsideTheSupportedRangeAreRefused() throws {
    var builder = ModelBuilder.conv()
    builder.opset = 22
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .unsupportedOpset(_, _, let version, _) = error as? ONNXError else { return false }
      return version == 22
    }
  }

  @Test func badAttributesAreNamed() throws {
    var builder = ModelBuilder.conv()
    builder.nodes[0].intsAttributes["pads"] = [1, 1, 1]
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .invalidAttribute(_, let node, _, let attribute, _) = error as? ONNXError else {
        return false
      }
      return node == "\"conv\"" && attribute == "pads"
    }
    builder = ModelBuilder.conv()
    builder.nodes[0].intAttributes["group"] = 0
    #expect(throws: ONNXError.self) { _ = try load(builder) }
  }

  /// Found by Fuzz/FuzzONNX: a MaxPool whose pad is not smaller than its window trapped in
  /// NeuralNet's MaxPool2d when the model was planned at load.
  @Test(arguments: ["MaxPool", "AveragePool"])
  func poolPadsAsLargeAsTheWindowAreNamed(_ op: String) throws {
    var builder = ModelBuilder()
    builder.nodes = [
      ModelBuilder.Node(
        op: op, inputs: ["x"], outputs: ["y"], name: "pool",
        intsAttributes: ["kernel_shape": [2, 2], "pads": [0, 2, 0, 0]])
    ]
    #expect(
      throws: ONNXError.invalidAttribute(
        file: folder.appendingPathComponent("model.onnx").path, node: "\"pool\"", op: op,
        attribute: "pads", reason: "is [0, 2, 0, 0]; each pad must be smaller than the window, 2x2")
    ) { _ = try load(builder) }
    builder.nodes[0].intsAttributes["pads"] = [1, 1, 1, 1]
    #expect(
      try load(builder).run(Tensor(shape: [1, 1, 4, 4], repeating: 1)).shape == [1, 1, 5, 5])
  }

  /// Found by Fuzz/FuzzONNX: a Reshape to sizes whose product overflows trapped when the model
  /// was planned at load.
  @Test(arguments: [[1 << 40, 1 << 40], [-1, 1 << 40, 1 << 40]])
  func reshapeToAnOverflowingShapeIsAShapeError(_ target: [Int]) throws {
    var builder = ModelBuilder()
    builder.initializers = [
      ModelBuilder.Initializer(
        name: "s", dims: [Int64(target.count)], values: target.map(Float.init))
    ]
    builder.nodes = [
      ModelBuilder.Node(op: "Reshape", inputs: ["x", "s"], outputs: ["y"], name: "reshape")
    ]
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .shapeMismatch(_, let node, _, let reason) = error as? ONNXError else {
        return false
      }
      return node == "\"reshape\"" && reason.hasPrefix("cannot reshape [1, 1, 4, 4] to")
    }
  }

  /// Declared input sizes (each at most 2^31 - 1) whose product overflows are refused before
  /// planning.
  @Test func anInputShapeTooLargeForAnIntIsRefused() throws {
    var builder = ModelBuilder.conv()
    builder.inputs = [("x", [1, 1 << 30, 1 << 30, 1 << 30])]
    #expect(
      throws: ONNXError.invalidInput(
        file: folder.appendingPathComponent("model.onnx").path, input: "x",
        reason: "shape [1, 1073741824, 1073741824, 1073741824] has a negative size or more "
          + "elements than an Int holds")
    ) { _ = try load(builder) }
  }

  /// Window sizes are bounded, so that their arithmetic cannot overflow.
  @Test(arguments: [Int64(1) << 40, Int64.min])
  func hugeWindowAttributesAreNamed(dilation: Int64) throws {
    var builder = ModelBuilder.conv()
    builder.nodes[0].intsAttributes["dilations"] = [dilation, 1]
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .invalidAttribute(_, _, _, let attribute, _) = error as? ONNXError else {
        return false
      }
      return attribute == "dilations"
    }
  }

  @Test func nanWeightsWarnWhenLoadingAndFailWhenTheyReachTheOutput() throws {
    var weights = [Float](repeating: 0.1, count: 9)
    weights[4] = .nan
    let model = try load(.conv(weights: weights))
    #expect(model.warnings.count == 1)
    #expect(model.warnings.first?.contains("\"w\" has 1 NaN") == true)
    #expect(throws: ONNXError.nonFiniteOutput(file: model.file, node: "\"conv\"", tensor: "c")) {
      _ = try model.run(Tensor(shape: [1, 1, 4, 4], repeating: 1))
    }
    #expect(throws: ONNXError.self) {
      _ = try model.run(
        Tensor(shape: [1, 1, 4, 4], data: [.nan] + [Float](repeating: 0, count: 15)))
    }
  }

  @Test func externalDataMustExistAndStayInTheModelsFolder() throws {
    var builder = ModelBuilder.conv()
    builder.initializers[0].externalLocation = "weights.bin"
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .missingExternalData(_, let tensor, let location, _) = error as? ONNXError else {
        return false
      }
      return tensor == "w" && location == "weights.bin"
    }
    // Present but too short.
    try Data([0, 0, 0, 0]).write(to: folder.appendingPathComponent("weights.bin"))
    #expect(throws: ONNXError.self) { _ = try load(builder) }
    // Present and complete: loads.
    var raw = Data()
    for value in [Float](repeating: 0.1, count: 9) {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) }
    }
    try raw.write(to: folder.appendingPathComponent("weights.bin"))
    _ = try load(builder)
    // Outside the folder.
    builder.initializers[0].externalLocation = "../weights.bin"
    #expect {
      _ = try load(builder)
    } throws: { error in
      guard case .missingExternalData(_, _, _, let reason) = error as? ONNXError else {
        return false
      }
      return reason.contains("outside")
    }
  }

  @Test func inputsThatContradictTheGraphAreRefused() throws {
    let model = try load(.conv())
    // Channels, then rank.
    #expect(throws: ONNXError.self) {
      _ = try model.run(Tensor(shape: [1, 2, 4, 4], repeating: 1))
    }
    #expect(throws: ONNXError.self) { _ = try model.run(Tensor(shape: [1, 4, 4], repeating: 1)) }
    #expect(throws: ONNXError.self) {
      _ = try model.run(["other": Tensor(shape: [1, 1, 4, 4], repeating: 1)])
    }
    #expect(throws: ONNXError.unknownTensor(file: model.file, tensor: "nothing")) {
      _ = try model.run(Tensor(shape: [1, 1, 4, 4], repeating: 1), output: "nothing")
    }
  }
}
