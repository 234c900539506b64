/// A `GraphProto`: nodes in order, initializers (weights), inputs and outputs.
struct GraphMessage {
  var name = ""
  var nodes: [NodeMessage] = []
  var initializers: [TensorMessage] = []
  var inputs: [ValueInfoMessage] = []
  var outputs: [ValueInfoMessage] = []
  var valueInfos: [ValueInfoMessage] = []

  static func decode(_ reader: inout ProtobufReader, context: DecodingContext) throws
    -> GraphMessage
  {
    var message = GraphMessage()
    while let field = try reader.nextField() {
      switch field.number {
      case 1:
        var inner = try reader.message(field)
        message.nodes.append(try NodeMessage.decode(&inner, context: context))
      case 2: message.name = try reader.string(field)
      case 5:
        var inner = try reader.message(field)
        message.initializers.append(try TensorMessage.decode(&inner, context: context))
      case 11:
        var inner = try reader.message(field)
        message.inputs.append(try ValueInfoMessage.decode(&inner))
      case 12:
        var inner = try reader.message(field)
        message.outputs.append(try ValueInfoMessage.decode(&inner))
      case 13:
        var inner = try reader.message(field)
        message.valueInfos.append(try ValueInfoMessage.decode(&inner))
      case 15:
        throw ONNXError.notAModel(
          file: context.file, reason: "sparse initializers are not supported")
      default: try reader.skip(field)
      }
    }
    return message
  }
}
