/// A `NodeProto`: one operator call of a graph.
struct NodeMessage {
  var inputs: [String] = []
  var outputs: [String] = []
  var name = ""
  var opType = ""
  var domain = ""
  var attributes: [AttributeMessage] = []

  static func decode(_ reader: inout ProtobufReader, context: DecodingContext) throws -> NodeMessage
  {
    var message = NodeMessage()
    while let field = try reader.nextField() {
      switch field.number {
      case 1: message.inputs.append(try reader.string(field))
      case 2: message.outputs.append(try reader.string(field))
      case 3: message.name = try reader.string(field)
      case 4: message.opType = try reader.string(field)
      case 5:
        var inner = try reader.message(field)
        message.attributes.append(try AttributeMessage.decode(&inner, context: context))
      case 7: message.domain = try reader.string(field)
      default: try reader.skip(field)
      }
    }
    return message
  }
}
