import Foundation

/// A `ModelProto`: the graph plus the IR version, the producer and the operator sets it uses.
struct ModelMessage {
  var irVersion: Int64 = 0
  var producerName = ""
  var producerVersion = ""
  /// (domain, version) for each imported operator set; "" is the default `ai.onnx` domain.
  var opsetImports: [(domain: String, version: Int64)] = []
  var graph: GraphMessage?

  /// Decodes a whole model file.
  static func decode(_ bytes: UnsafeRawBufferPointer, context: DecodingContext) throws
    -> ModelMessage
  {
    var reader = ProtobufReader(bytes: bytes, range: 0..<bytes.count)
    var message = ModelMessage()
    while let field = try reader.nextField() {
      switch field.number {
      case 1: message.irVersion = try reader.int64(field)
      case 2: message.producerName = try reader.string(field)
      case 3: message.producerVersion = try reader.string(field)
      case 7:
        var inner = try reader.message(field)
        message.graph = try GraphMessage.decode(&inner, context: context)
      case 8:
        var inner = try reader.message(field)
        var domain = "", version: Int64 = 0
        while let opsetField = try inner.nextField() {
          switch opsetField.number {
          case 1: domain = try inner.string(opsetField)
          case 2: version = try inner.int64(opsetField)
          default: try inner.skip(opsetField)
          }
        }
        message.opsetImports.append((domain, version))
      default: try reader.skip(field)
      }
    }
    return message
  }

  /// What a file that is not an ONNX model looks like, from its first bytes, if known.
  static func recognizeOtherFormat(_ prefix: [UInt8]) -> String? {
    let signatures: [([UInt8], String)] = [
      ([0x89, 0x50, 0x4E, 0x47], "a PNG image"), ([0xFF, 0xD8, 0xFF], "a JPEG image"),
      (
        [0x50, 0x4B, 0x03, 0x04],
        "a zip archive (a PyTorch .pt checkpoint or .npz?); export the network with torch.onnx.export"
      ),
      ([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59], "a NumPy .npy array"),
      ([0x89, 0x48, 0x44, 0x46], "an HDF5 file (a Keras .h5 model?); convert it with tf2onnx"),
      (Array("{".utf8), "a JSON or text file"), (Array("<".utf8), "an XML or HTML file"),
    ]
    for (signature, name) in signatures where prefix.starts(with: signature) { return name }
    if prefix.count >= 9, prefix[8] == UInt8(ascii: "{") { return "a safetensors file" }
    return nil
  }
}
