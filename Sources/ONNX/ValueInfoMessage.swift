/// A `ValueInfoProto`: a graph input's or output's name, element type and shape.
struct ValueInfoMessage {
  var name = ""
  var elementType: Int64 = 0
  /// Each dimension: a size, a symbolic name (`batch`), or unknown.
  var dimensions: [ONNXDimension]?

  static func decode(_ reader: inout ProtobufReader) throws -> ValueInfoMessage {
    var message = ValueInfoMessage()
    while let field = try reader.nextField() {
      switch field.number {
      case 1: message.name = try reader.string(field)
      case 2:  // TypeProto
        var type = try reader.message(field)
        while let typeField = try type.nextField() {
          guard typeField.number == 1 else {  // tensor_type; sequences and maps are not tensors
            try type.skip(typeField)
            continue
          }
          var tensorType = try type.message(typeField)
          while let tensorField = try tensorType.nextField() {
            switch tensorField.number {
            case 1: message.elementType = try tensorType.int64(tensorField)
            case 2: message.dimensions = try decodeShape(try tensorType.message(tensorField))
            default: try tensorType.skip(tensorField)
            }
          }
        }
      default: try reader.skip(field)
      }
    }
    return message
  }

  private static func decodeShape(_ shape: ProtobufReader) throws -> [ONNXDimension] {
    var shape = shape
    var dimensions: [ONNXDimension] = []
    while let field = try shape.nextField() {
      guard field.number == 1 else {
        try shape.skip(field)
        continue
      }
      var dimension = try shape.message(field)
      var value = ONNXDimension.unknown
      while let dimensionField = try dimension.nextField() {
        switch dimensionField.number {
        case 1:
          let size = try dimension.int64(dimensionField)
          value = size >= 0 && size <= Int64(Int32.max) ? .size(Int(size)) : .unknown
        case 2: value = .symbol(try dimension.string(dimensionField))
        default: try dimension.skip(dimensionField)
        }
      }
      dimensions.append(value)
    }
    return dimensions
  }
}
