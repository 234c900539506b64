/// `Gather` along one axis with constant indices (negative indices count from the end), on
/// Float32 data or integer shape vectors.
struct GatherOperator: ONNXOperator {
  var axis: Int

  init(_ context: NodeContext) throws {
    try context.expectInputs(2...2)
    axis = try context.int("axis", default: 0)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let data = inputs.required(0)
    guard let indices = try inputs.constant(1, "indices") else {
      throw PlanningError("has no indices")
    }
    let axis = try normalizedAxis(self.axis, rank: data.rank)
    let size = data.shape[axis]
    let resolved = try indices.integers.map { index throws(PlanningError) -> Int in
      let value = Int(clamping: index < 0 ? index + Int64(size) : index)
      guard value >= 0 && value < size else {
        throw PlanningError("index \(index) is out of range for axis \(self.axis) of size \(size)")
      }
      return value
    }
    let outer = data.shape[..<axis].reduce(1, *), inner = data.shape[(axis + 1)...].reduce(1, *)
    let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
    _ = try CheckedShapeArithmetic.elementCount(shape, "the gathered shape")
    var sources: [Int] = []
    sources.reserveCapacity(outer * resolved.count * inner)
    for row in 0..<outer {
      for index in resolved {
        let base = (row * size + index) * inner
        sources.append(contentsOf: base..<(base + inner))
      }
    }
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { [sources] values in
      [values.take(0).gathered(shape: shape, sourceIndices: sources)]
    }
  }
}

/// `Slice` with constant `starts`, `ends`, optional `axes` and `steps` (inputs, opset 10 and
/// later; attributes before): indices clamped as ONNX specifies, negative steps included.
struct SliceOperator: ONNXOperator {
  /// Attribute form (opset < 10).
  var attributes: (starts: [Int], ends: [Int], axes: [Int]?)?

  init(_ context: NodeContext) throws {
    if context.opset < 10 {
      try context.expectInputs(1...1)
      guard let starts = try context.ints("starts"), let ends = try context.ints("ends") else {
        throw context.attributeFailure("starts", "and \"ends\" are required")
      }
      attributes = (starts, ends, try context.ints("axes"))
    } else {
      try context.expectInputs(3...5)
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let data = inputs.required(0)
    let starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
    if let attributes {
      (starts, ends, axes, steps) = (attributes.starts, attributes.ends, attributes.axes, nil)
    } else {
      func vector(_ index: Int, _ role: String) throws(PlanningError) -> [Int]? {
        try inputs.constant(index, role)?.integers.map { Int(clamping: $0) }
      }
      starts = try vector(1, "starts") ?? []
      ends = try vector(2, "ends") ?? []
      axes = try vector(3, "axes")
      steps = try vector(4, "steps")
    }
    let axisList = axes ?? Array(0..<starts.count)
    guard ends.count == starts.count, axisList.count == starts.count,
      (steps?.count ?? starts.count) == starts.count
    else {
      throw PlanningError("starts, ends, axes and steps have different lengths")
    }
    var begin = [Int](repeating: 0, count: data.rank)
    var step = [Int](repeating: 1, count: data.rank)
    var shape = data.shape
    var seen: Set<Int> = []
    for (position, rawAxis) in axisList.enumerated() {
      let axis = try normalizedAxis(rawAxis, rank: data.rank)
      guard seen.insert(axis).inserted else { throw PlanningError("axis \(rawAxis) is repeated") }
      let size = data.shape[axis]
      // A step longer than the axis takes one value, as a step of the axis' size does;
      // clamping keeps the size and stride arithmetic within Int.
      let stepValue = min(max(steps?[position] ?? 1, -max(size, 1)), max(size, 1))
      guard stepValue != 0 else { throw PlanningError("step 0 on axis \(rawAxis)") }
      func resolve(_ value: Int) -> Int { value < 0 ? value + size : value }
      var start = resolve(starts[position]), end = resolve(ends[position])
      if stepValue > 0 {
        start = min(max(start, 0), size)
        end = min(max(end, 0), size)
        shape[axis] = max(0, (end - start + stepValue - 1) / stepValue)
      } else {
        start = min(max(start, 0), size - 1)
        end = min(max(end, -1), size - 1)
        shape[axis] = max(0, (start - end - stepValue - 1) / -stepValue)
      }
      begin[axis] = start
      step[axis] = stepValue
    }
    let gather = AffineGather(
      sourceShape: data.shape, outputShape: shape, starts: begin, steps: step)
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { values in
      [gather.apply(values.take(0))]
    }
  }
}

/// `Pad` in `constant` mode: pads (and crops, for negative pads) each axis; pads and value
/// from inputs (opset 11 and later, with `axes` from opset 18) or attributes (before).
struct PadOperator: ONNXOperator {
  /// Attribute form (opset < 11).
  var attributes: (pads: [Int], value: Float)?

  init(_ context: NodeContext) throws {
    let mode = try context.string("mode", default: "constant")
    guard mode == "constant" else {
      throw context.attributeFailure("mode", "is \"\(mode)\"; only constant padding is supported")
    }
    if context.opset < 11 {
      try context.expectInputs(1...1)
      guard let pads = try context.ints("pads") else {
        throw context.attributeFailure("pads", "is missing")
      }
      attributes = (pads, try context.float("value", default: 0))
    } else {
      try context.expectInputs(2...4)
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let data = inputs.required(0)
    var pads: [Int], value: Float = 0, axes = Array(0..<data.rank)
    if let attributes {
      (pads, value) = attributes
    } else {
      pads = try inputs.constant(1, "pads")?.integers.map { Int(clamping: $0) } ?? []
      if let constant = try inputs.constant(2, "constant_value") {
        guard constant.count == 1 else { throw PlanningError("constant_value is not a scalar") }
        value = constant.floats[0]
      }
      if let axisValues = try inputs.constant(3, "axes") {
        axes = try axisValues.integers.map { axis throws(PlanningError) in
          try normalizedAxis(Int(clamping: axis), rank: data.rank)
        }
      }
    }
    guard pads.count == 2 * axes.count else {
      throw PlanningError(
        "pads \(pads) do not give a begin and an end for each of \(axes.count) axes")
    }
    guard pads.allSatisfy({ $0.magnitude <= UInt(Int32.max) }) else {
      throw PlanningError("pads \(pads) hold a value beyond ±\(Int32.max)")
    }
    var begin = [Int](repeating: 0, count: data.rank)
    var shape = data.shape
    for (position, axis) in axes.enumerated() {
      begin[axis] = pads[position]
      shape[axis] = try CheckedShapeArithmetic.add(
        shape[axis], pads[position] + pads[position + axes.count], "the padded size of axis \(axis)"
      )
      guard shape[axis] >= 0 else {
        throw PlanningError("pads \(pads) crop axis \(axis) below zero")
      }
    }
    let gather = AffineGather(
      sourceShape: data.shape, outputShape: shape, starts: begin.map { -$0 },
      steps: [Int](repeating: 1, count: data.rank))
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { [value] values in
      [gather.apply(values.take(0), fill: value)]
    }
  }
}
