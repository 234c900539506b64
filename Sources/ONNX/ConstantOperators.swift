/// `Constant`: a tensor (`value`) or a number or list (`value_float`, `value_floats`,
/// `value_int`, `value_ints`) given as an attribute.
struct ConstantOperator: ONNXOperator {
  var value: GraphValue

  init(_ context: NodeContext) throws {
    try context.expectInputs(0...0)
    guard let attribute = context.node.attributes.first else {
      throw context.failure("has no value attribute")
    }
    switch attribute.name {
    case "value":
      guard let tensor = try context.tensor("value") else {
        throw context.attributeFailure("value", "holds no tensor")
      }
      value = tensor.value
    case "value_float": value = GraphValue(shape: [], floats: [attribute.float])
    case "value_floats":
      value = GraphValue(shape: [attribute.floats.count], floats: attribute.floats)
    case "value_int": value = GraphValue(shape: [], integers: [attribute.int])
    case "value_ints": value = GraphValue(shape: [attribute.ints.count], integers: attribute.ints)
    default:
      throw context.attributeFailure(
        attribute.name, "is not supported (strings and sparse tensors)")
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan { .constant([value]) }
}

/// `ConstantOfShape`: a tensor of the shape given by a constant input, filled with the one
/// value of the `value` attribute (default: Float32 zero).
struct ConstantOfShapeOperator: ONNXOperator {
  var fill: GraphValue

  init(_ context: NodeContext) throws {
    try context.expectInputs(1...1)
    fill = try context.tensor("value")?.value ?? GraphValue(shape: [1], floats: [0])
    guard fill.count == 1 else {
      throw context.attributeFailure("value", "has \(fill.count) values, expected one")
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    guard let shapeValue = try inputs.constant(0, "shape") else {
      throw PlanningError("has no shape")
    }
    let shape = shapeValue.integers.map { Int(clamping: $0) }
    guard let count = shape.checkedElementCount, count <= Int(Int32.max) else {
      throw PlanningError(
        "shape \(shape) is invalid (a negative size, or more than \(Int32.max) values)")
    }
    return .constant([
      fill.isInteger
        ? GraphValue(shape: shape, integers: [Int64](repeating: fill.integers[0], count: count))
        : GraphValue(shape: shape, floats: [Float](repeating: fill.floats[0], count: count))
    ])
  }
}

/// `Shape`: the input's shape as an integer vector (optionally `shape[start..<end]`), known
/// when the graph is planned.
struct ShapeOperator: ONNXOperator {
  var start: Int, end: Int?

  init(_ context: NodeContext) throws {
    try context.expectInputs(1...1)
    start = try context.int("start", default: 0)
    end = try context.int("end")
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let shape = inputs.required(0).shape
    func clamp(_ value: Int) -> Int {
      min(max(value < 0 ? value + shape.count : value, 0), shape.count)
    }
    let from = clamp(start), to = clamp(end ?? shape.count)
    let slice = from < to ? Array(shape[from..<to]) : []
    return .constant([GraphValue(shape: [slice.count], integers: slice.map(Int64.init))])
  }
}

/// `Cast` to a floating-point type (values held as Float32; rounded through half precision
/// for `FLOAT16`) or to an integer or boolean type (truncated toward zero; booleans 0 or 1).
struct CastOperator: ONNXOperator {
  var target: ONNXElementType

  init(_ context: NodeContext) throws {
    try context.expectInputs(1...1)
    guard let raw = try context.int("to") else {
      throw context.attributeFailure("to", "is missing")
    }
    guard let target = Int32(exactly: raw).flatMap(ONNXElementType.init(rawValue:)),
      target.isFloatingPoint || target.isInteger
    else {
      throw context.attributeFailure(
        "to", "is \(ONNXElementType.describe(Int64(raw))), which is not supported")
    }
    self.target = target
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    let target = target
    if target.isInteger && input.constant == nil {
      throw PlanningError(
        "casts computed data to \(target.name); only shape arithmetic may be integer")
    }
    return .kernel(outputs: [PlannedOutput(shape: input.shape)]) { values in
      let value = values.take(0)
      switch target {
      case .float, .double: return [GraphValue(shape: value.shape, floats: value.floats)]
      case .float16:
        return [GraphValue(shape: value.shape, floats: value.floats.map { Float(Float16($0)) })]
      case .bfloat16:
        return [GraphValue(shape: value.shape, floats: value.floats.map(roundedToBFloat16))]
      case .bool:
        let flags: [Int64] =
          switch value.storage {
          case .float(let values): values.map { $0 != 0 ? 1 : 0 }
          case .integer(let values): values.map { $0 != 0 ? 1 : 0 }
          }
        return [GraphValue(shape: value.shape, integers: flags)]
      default: return [GraphValue(shape: value.shape, integers: value.integers)]
      }
    }
  }
}

/// Rounds to the nearest bfloat16 (ties to even), as a Float32.
func roundedToBFloat16(_ value: Float) -> Float {
  guard value.isFinite else { return value }
  let bits = value.bitPattern
  let rounding = 0x7FFF + ((bits >> 16) & 1)
  return Float(bitPattern: (bits &+ rounding) & 0xFFFF_0000)
}
