import Foundation

/// Writes small ONNX models field by field (Protocol Buffers wire format), so tests can make
/// the malformed graphs that exporters never produce: cycles, missing weights, wrong sizes.
struct ProtobufWriter {
  var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var value = value
    repeat {
      let byte = UInt8(value & 0x7F)
      value >>= 7
      bytes.append(value == 0 ? byte : byte | 0x80)
    } while value != 0
  }

  mutating func key(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

  mutating func int(_ field: Int, _ value: Int64) {
    key(field, 0)
    varint(UInt64(bitPattern: value))
  }

  mutating func bytes(_ field: Int, _ payload: [UInt8]) {
    key(field, 2)
    varint(UInt64(payload.count))
    bytes.append(contentsOf: payload)
  }

  mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

  mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
    var inner = ProtobufWriter()
    build(&inner)
    bytes(field, inner.bytes)
  }
}

/// A model description turned into ONNX bytes.
struct ModelBuilder {
  struct Node {
    var op: String
    var inputs: [String]
    var outputs: [String]
    var name = ""
    var intAttributes: [String: Int64] = [:]
    var intsAttributes: [String: [Int64]] = [:]
  }

  struct Initializer {
    var name: String
    var dims: [Int64]
    var values: [Float]
    /// Overrides the raw data length (bytes), to make it disagree with `dims`.
    var rawByteCount: Int?
    /// Stores the data in a side file instead.
    var externalLocation: String?
  }

  var opset: Int64 = 13
  var nodes: [Node] = []
  var initializers: [Initializer] = []
  var inputs: [(String, [Int64])] = [("x", [1, 1, 4, 4])]
  var outputs: [String] = ["y"]

  func encoded() -> [UInt8] {
    var model = ProtobufWriter()
    model.int(1, 7)  // ir_version
    model.string(2, "tests")
    model.message(8) { opset in
      opset.string(1, "")
      opset.int(2, self.opset)
    }
    model.message(7) { graph in
      for node in nodes {
        graph.message(1) { message in
          for input in node.inputs { message.string(1, input) }
          for output in node.outputs { message.string(2, output) }
          message.string(3, node.name)
          message.string(4, node.op)
          for (name, value) in node.intAttributes.sorted(by: { $0.key < $1.key }) {
            message.message(5) { attribute in
              attribute.string(1, name)
              attribute.int(3, value)
              attribute.int(20, 2)
            }
          }
          for (name, values) in node.intsAttributes.sorted(by: { $0.key < $1.key }) {
            message.message(5) { attribute in
              attribute.string(1, name)
              for value in values { attribute.int(8, value) }
              attribute.int(20, 7)
            }
          }
        }
      }
      graph.string(2, "test")
      for initializer in initializers {
        graph.message(5) { tensor in
          for dim in initializer.dims { tensor.int(1, dim) }
          tensor.int(2, 1)  // FLOAT
          tensor.string(8, initializer.name)
          if let location = initializer.externalLocation {
            for (key, value) in [
              ("location", location), ("offset", "0"),
              ("length", "\(initializer.values.count * 4)"),
            ] {
              tensor.message(13) { entry in
                entry.string(1, key)
                entry.string(2, value)
              }
            }
            tensor.int(14, 1)
          } else {
            var raw: [UInt8] = []
            for value in initializer.values {
              withUnsafeBytes(of: value.bitPattern.littleEndian) { raw += $0 }
            }
            if let count = initializer.rawByteCount {
              raw =
                Array(raw.prefix(count)) + [UInt8](repeating: 0, count: max(0, count - raw.count))
            }
            tensor.bytes(9, raw)
          }
        }
      }
      func valueInfo(_ name: String, _ dims: [Int64]?) -> (inout ProtobufWriter) -> Void {
        { info in
          info.string(1, name)
          info.message(2) { type in
            type.message(1) { tensorType in
              tensorType.int(1, 1)
              if let dims {
                tensorType.message(2) { shape in
                  for dim in dims { shape.message(1) { $0.int(1, dim) } }
                }
              }
            }
          }
        }
      }
      for (name, dims) in inputs { graph.message(11, valueInfo(name, dims)) }
      for name in outputs { graph.message(12, valueInfo(name, nil)) }
    }
    return model.bytes
  }

  /// Writes the model into `folder` as `name` and returns its URL.
  func write(to folder: URL, name: String = "model.onnx") throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Data(encoded()).write(to: url)
    return url
  }

  /// A 3x3 convolution of one channel followed by a ReLU: `x [1,1,4,4] -> y [1,1,4,4]`.
  static func conv(weights: [Float] = [Float](repeating: 0.1, count: 9)) -> ModelBuilder {
    var builder = ModelBuilder()
    builder.initializers = [Initializer(name: "w", dims: [1, 1, 3, 3], values: weights)]
    builder.nodes = [
      Node(
        op: "Conv", inputs: ["x", "w"], outputs: ["c"], name: "conv",
        intsAttributes: ["pads": [1, 1, 1, 1]]),
      Node(op: "Relu", inputs: ["c"], outputs: ["y"], name: "relu"),
    ]
    return builder
  }
}
