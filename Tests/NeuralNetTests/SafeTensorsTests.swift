import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// safetensors encoding, decoding, dtype conversion, typed errors and state dicts.
@Suite struct SafeTensorsTests {
  static func file(header: String, data: [UInt8]) -> Data {
    var bytes: [UInt8] = []
    let json = Array(header.utf8)
    var length = UInt64(json.count)
    for _ in 0..<8 {
      bytes.append(UInt8(length & 0xFF))
      length >>= 8
    }
    return Data(bytes + json + data)
  }

  @Test func roundTripKeepsNamesShapesAndBits() throws {
    let tensors = [
      "features.0.weight": GradientCheck.random([4, 3, 3, 3], seed: 1),
      "features.0.bias": Tensor(shape: [4], data: [-0.0, 1e-38, .greatestFiniteMagnitude, -1.5]),
      "scalar": Tensor(shape: [], data: [7]),
    ]
    let data = SafeTensors.encode(tensors, metadata: ["format": "pt"])
    let headerLength = data.prefix(8).enumerated().reduce(0) {
      $0 | Int($1.element) << (8 * $1.offset)
    }
    #expect(headerLength % 8 == 0)  // padded so the data starts 8-byte aligned
    #expect(data.count == 8 + headerLength + 4 * (108 + 4 + 1))
    let decoded = try SafeTensors.decode(data)
    #expect(decoded.keys.sorted() == tensors.keys.sorted())
    for (name, tensor) in tensors {
      #expect(decoded[name]?.shape == tensor.shape)
      #expect(decoded[name]?.data.map(\.bitPattern) == tensor.data.map(\.bitPattern))
    }
    let directory = try Fixtures.temporaryDirectory()
    let url = directory.appendingPathComponent("w.safetensors")
    try SafeTensors.save(tensors, to: url)
    #expect(try SafeTensors.load(contentsOf: url) == tensors)
  }

  @Test func readsHalfBFloatAndDouble() throws {
    // F16 1.0 = 0x3C00, -2.0 = 0xC000, 2^-24 = 0x0001; BF16 1.5 = 0x3FC0; F64 0.1.
    var f64: [UInt8] = []
    var bits = (0.1 as Double).bitPattern
    for _ in 0..<8 {
      f64.append(UInt8(bits & 0xFF))
      bits >>= 8
    }
    let header =
      #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[6,8]},"d":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"__metadata__":{"k":"v"}}"#
    let tensors = try SafeTensors.decode(
      Self.file(header: header, data: [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0xC0, 0x3F] + f64))
    #expect(tensors["h"]?.data == [1, -2, 0x1p-24])
    #expect(tensors["b"]?.data == [1.5])
    #expect(tensors["d"]?.data == [Float(0.1)])
  }

  @Test func malformedFilesThrowTypedErrorsNamingFileAndTensor() {
    #expect(
      throws: NeuralNetError.malformedFile(
        file: "a", reason: "3 bytes is shorter than the 8-byte header length")
    ) {
      try SafeTensors.decode(Data([1, 2, 3]), source: "a")
    }
    #expect(
      throws: NeuralNetError.malformedFile(
        file: "b", reason: "header length 100 exceeds the 2 bytes after it")
    ) {
      try SafeTensors.decode(Data([100, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]), source: "b")
    }
    #expect(throws: NeuralNetError.malformedFile(file: "c", reason: "the header is not JSON")) {
      try SafeTensors.decode(Self.file(header: "{nope", data: []), source: "c")
    }
    #expect(throws: NeuralNetError.unsupportedDType(file: "d", tensor: "x", dtype: "C64")) {
      try SafeTensors.decode(
        Self.file(
          header: #"{"x":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#,
          data: Array(repeating: 0, count: 8)), source: "d")
    }
    #expect(
      throws: NeuralNetError.malformedTensor(
        file: "e", tensor: "x", reason: "4 bytes for 2 F32 values of shape [2]")
    ) {
      try SafeTensors.decode(
        Self.file(
          header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#,
          data: Array(repeating: 0, count: 8)), source: "e")
    }
    #expect(throws: NeuralNetError.self) {
      try SafeTensors.decode(
        Self.file(
          header: #"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#,
          data: Array(repeating: 0, count: 8)), source: "f")
    }
    // 2^32 * 2^32 * 4 bytes wraps to 0 without checked arithmetic.
    #expect(
      throws: NeuralNetError.malformedTensor(
        file: "g", tensor: "x",
        reason: "shape [4294967296, 4294967296] needs more than the 0 bytes of data")
    ) {
      try SafeTensors.decode(
        Self.file(
          header: #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#,
          data: []), source: "g")
    }
    #expect(throws: NeuralNetError.self) {
      try SafeTensors.decode(
        Self.file(
          header: #"{"x":{"dtype":"F32","shape":[1e30],"data_offsets":[0,4]}}"#,
          data: [0, 0, 0, 0]), source: "h")
    }
    #expect(throws: NeuralNetError.self) {
      try SafeTensors.load(contentsOf: URL(fileURLWithPath: "/nonexistent/w.safetensors"))
    }
    let message = NeuralNetError.malformedTensor(
      file: "w.safetensors", tensor: "fc.weight", reason: "bad"
    ).description
    #expect(message.contains("w.safetensors") && message.contains("fc.weight"))
  }

  @Test func stateDictUsesPyTorchNamesAndLoadsBack() throws {
    func model(seed: UInt64) -> Sequential {
      Sequential(named: [
        (
          "features",
          Sequential([
            Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, seed: seed),
            BatchNorm2d(channels: 2), ReLU(),
          ])
        ),
        (
          "classifier",
          Sequential([Flatten(), Linear(inFeatures: 2 * 2 * 2, outFeatures: 3, seed: seed + 1)])
        ),
      ])
    }
    var source = model(seed: 1)
    let state = source.stateDict()
    #expect(
      state.keys.sorted() == [
        "classifier.1.bias", "classifier.1.weight", "features.0.bias", "features.0.weight",
        "features.1.bias",
        "features.1.num_batches_tracked", "features.1.running_mean", "features.1.running_var",
        "features.1.weight",
      ])
    var target = model(seed: 99)
    try target.loadStateDict(try SafeTensors.decode(SafeTensors.encode(state)))
    let input = GradientCheck.random([2, 1, 4, 4], seed: 4)
    source.setTraining(false)
    target.setTraining(false)
    #expect(source.forward(input) == target.forward(input))

    var missing = state
    missing["features.0.bias"] = nil
    #expect(throws: NeuralNetError.missingTensor(file: "m", tensor: "features.0.bias")) {
      try target.loadStateDict(missing, source: "m")
    }
    var extra = state
    extra["features.9.weight"] = Tensor(zeros: [1])
    #expect(throws: NeuralNetError.unexpectedTensor(file: "x", tensor: "features.9.weight")) {
      try target.loadStateDict(extra, source: "x")
    }
    try target.loadStateDict(extra, isStrict: false)
    var wrong = state
    wrong["classifier.1.weight"] = Tensor(zeros: [3, 9])
    #expect(
      throws: NeuralNetError.shapeMismatch(
        file: "s", tensor: "classifier.1.weight", expected: [3, 8], found: [3, 9])
    ) {
      try target.loadStateDict(wrong, source: "s")
    }
  }
}
