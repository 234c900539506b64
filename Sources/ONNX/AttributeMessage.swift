/// An `AttributeProto`: a named constant parameter of a node.
struct AttributeMessage {
  /// `AttributeProto.AttributeType`.
  enum Kind: Int64 {
    case undefined = 0, float = 1, int = 2, string = 3, tensor = 4, graph = 5
    case floats = 6, ints = 7, strings = 8, tensors = 9, graphs = 10
    case sparseTensor = 11, sparseTensors = 12, typeProto = 13, typeProtos = 14
  }

  var name = ""
  var kind = Kind.undefined
  var float: Float = 0
  var int: Int64 = 0
  var string = ""
  var tensor: TensorMessage?
  var floats: [Float] = []
  var ints: [Int64] = []
  var strings: [String] = []

  static func decode(_ reader: inout ProtobufReader, context: DecodingContext) throws
    -> AttributeMessage
  {
    var message = AttributeMessage()
    var floatBits: [UInt32] = []
    var rawKind: Int64?
    var sawFields: Set<UInt64> = []
    while let field = try reader.nextField() {
      sawFields.insert(field.number)
      switch field.number {
      case 1: message.name = try reader.string(field)
      case 2: message.float = try reader.float(field)
      case 3: message.int = try reader.int64(field)
      case 4: message.string = try reader.string(field)
      case 5:
        var inner = try reader.message(field)
        message.tensor = try TensorMessage.decode(&inner, context: context)
      case 7: try reader.appendFixed32(field, to: &floatBits)
      case 8: try reader.appendVarints(field, to: &message.ints)
      case 9: message.strings.append(try reader.string(field))
      case 20: rawKind = try reader.int64(field)
      default: try reader.skip(field)
      }
    }
    message.floats = floatBits.map(Float.init(bitPattern:))
    if let rawKind {
      message.kind = Kind(rawValue: rawKind) ?? .undefined
    } else {
      // IR version 1 files carry no type: infer it from the field present.
      let byField: [(UInt64, Kind)] = [
        (2, .float), (3, .int), (4, .string), (5, .tensor), (6, .graph), (7, .floats), (8, .ints),
        (9, .strings), (10, .tensors), (11, .graphs),
      ]
      message.kind = byField.first { sawFields.contains($0.0) }?.1 ?? .undefined
    }
    return message
  }
}
