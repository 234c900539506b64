/// `ReduceMean`, `ReduceSum`, `ReduceMax` and `ReduceMin` over a set of axes (all axes by
/// default), keeping them as size 1 or not (`keepdims`, default 1). Axes come from the
/// attribute (ReduceSum before opset 13, the others before opset 18) or from input 1.
/// Sums and means accumulate in Double.
struct ReduceOperator: ONNXOperator {
  enum Kind: Sendable { case mean, sum, max, min }
  var kind: Kind
  var attributeAxes: [Int]?
  var axesFromInput: Bool
  var keepsDimensions: Bool
  var emptyAxesIsIdentity: Bool

  init(_ context: NodeContext) throws {
    kind =
      switch context.op {
      case "ReduceMean": .mean
      case "ReduceSum": .sum
      case "ReduceMax": .max
      default: .min
      }
    axesFromInput = context.opset >= (kind == .sum ? 13 : 18)
    try context.expectInputs(axesFromInput ? 1...2 : 1...1)
    attributeAxes = try context.ints("axes")
    keepsDimensions = try context.int("keepdims", default: 1) != 0
    emptyAxesIsIdentity = try context.int("noop_with_empty_axes", default: 0) != 0
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    var axes = attributeAxes
    if axesFromInput, let given = try inputs.constant(1, "axes") {
      axes = given.integers.map { Int(clamping: $0) }
    }
    if axes?.isEmpty ?? true {
      if emptyAxesIsIdentity {
        if let constant = input.constant { return .constant([constant]) }
        return .kernel(outputs: [PlannedOutput(shape: input.shape)]) { values in [values.take(0)] }
      }
      axes = Array(input.shape.indices)
    }
    var reduced = [Bool](repeating: false, count: input.rank)
    for axis in axes! { reduced[try normalizedAxis(axis, rank: input.rank)] = true }
    let keptShape = input.shape.enumerated().map { reduced[$0.offset] ? 1 : $0.element }
    let shape =
      keepsDimensions
      ? keptShape : input.shape.enumerated().filter { !reduced[$0.offset] }.map(\.element)
    guard input.shape.reduce(1, *) > 0 || kind == .sum || kind == .mean else {
      throw PlanningError("cannot take the \(kind) of an empty tensor")
    }
    // Each input position's output index, through the kept shape's strides.
    var outputStrides = [Int](repeating: 0, count: input.rank)
    var stride = 1
    for axis in input.shape.indices.reversed() where !reduced[axis] {
      outputStrides[axis] = stride
      stride *= keptShape[axis]
    }
    let (kind, inputShape, outputCount, strides) = (
      kind, input.shape, keptShape.reduce(1, *), outputStrides
    )
    let reducedCount = input.shape.enumerated().filter { reduced[$0.offset] }.map(\.element).reduce(
      1, *)
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { values in
      let data = values.take(0).takeFloats()
      var accumulator = [Double](
        repeating: kind == .max ? -.infinity : kind == .min ? .infinity : 0, count: outputCount)
      var index = [Int](repeating: 0, count: inputShape.count)
      var target = 0
      for value in data {
        let x = Double(value)
        switch kind {
        case .mean, .sum: accumulator[target] += x
        case .max: accumulator[target] = Swift.max(accumulator[target], x)
        case .min: accumulator[target] = Swift.min(accumulator[target], x)
        }
        var axis = inputShape.count - 1
        while axis >= 0 {
          index[axis] += 1
          target += strides[axis]
          if index[axis] < inputShape[axis] { break }
          target -= strides[axis] * inputShape[axis]
          index[axis] = 0
          axis -= 1
        }
      }
      let divisor = kind == .mean ? Double(reducedCount) : 1
      return [GraphValue(shape: shape, floats: accumulator.map { Float($0 / divisor) })]
    }
  }
}
