/// Operators that only change the shape: `Reshape`, `Flatten`, `Squeeze`, `Unsqueeze`. The
/// values are shared, not copied.
struct ReshapeOperator: ONNXOperator {
  enum Kind: Sendable {
    case reshape(allowZero: Bool)
    case flatten(axis: Int)
    /// Axes from the attribute (before opset 13) or from input 1.
    case squeeze(axes: [Int]?)
    case unsqueeze(axes: [Int]?)
  }

  var kind: Kind

  init(_ context: NodeContext) throws {
    switch context.op {
    case "Reshape":
      try context.expectInputs(2...2)
      kind = .reshape(allowZero: try context.int("allowzero", default: 0) != 0)
    case "Flatten":
      try context.expectInputs(1...1)
      kind = .flatten(axis: try context.int("axis", default: 1))
    case "Squeeze":
      try context.expectInputs(context.opset < 13 ? 1...1 : 1...2)
      kind = .squeeze(axes: try context.ints("axes"))
    default:
      try context.expectInputs(context.opset < 13 ? 1...1 : 2...2)
      let axes = try context.ints("axes")
      if context.opset < 13 && axes == nil { throw context.attributeFailure("axes", "is missing") }
      kind = .unsqueeze(axes: axes)
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    let shape = try outputShape(input.shape, inputs)
    guard let count = shape.checkedElementCount, count == input.shape.checkedElementCount else {
      throw PlanningError("cannot reshape \(input.shape) to \(shape)")
    }
    if let constant = input.constant { return .constant([constant.reshaped(shape)]) }
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { values in
      [values.take(0).reshaped(shape)]
    }
  }

  func mixesBatchItems(_ inputs: [PlannedTensor?]) -> Bool {
    if case .flatten(let axis) = kind { return axis == 0 }
    return false
  }

  private func outputShape(_ shape: [Int], _ inputs: [PlannedTensor?]) throws(PlanningError)
    -> [Int]
  {
    switch kind {
    case .reshape(let allowZero):
      guard let target = try inputs.constant(1, "shape"), target.shape.count <= 1 else {
        throw PlanningError("its shape input is not a vector")
      }
      var result = target.integers.map { Int(clamping: $0) }
      if let wildcard = result.firstIndex(of: -1) {
        guard result.filter({ $0 == -1 }).count == 1 else {
          throw PlanningError("shape \(result) has several -1")
        }
        result[wildcard] = 1
        for (axis, size) in result.enumerated() where size == 0 && !allowZero {
          guard axis < shape.count else {
            throw PlanningError("shape \(result) copies axis \(axis) of \(shape)")
          }
          result[axis] = shape[axis]
        }
        // Checked: sizes read from the file must not overflow into a matching product.
        guard let known = result.checkedElementCount, let total = shape.checkedElementCount,
          known > 0, total % known == 0
        else {
          throw PlanningError("cannot reshape \(shape) to \(target.integers)")
        }
        result[wildcard] = total / known
        return result
      }
      for (axis, size) in result.enumerated() {
        if size == 0 && !allowZero {
          guard axis < shape.count else {
            throw PlanningError("shape \(result) copies axis \(axis) of \(shape)")
          }
          result[axis] = shape[axis]
        } else if size < 0 {
          throw PlanningError("shape \(result) has a negative size")
        }
      }
      return result
    case .flatten(let axis):
      let resolved = axis < 0 ? axis + shape.count : axis
      guard resolved >= 0 && resolved <= shape.count else {
        throw PlanningError("axis \(axis) is out of range for \(shape)")
      }
      return [
        try CheckedShapeArithmetic.product(shape[..<resolved], "the flattened outer size"),
        try CheckedShapeArithmetic.product(shape[resolved...], "the flattened inner size"),
      ]
    case .squeeze(let attributeAxes):
      var axes = attributeAxes
      if axes == nil { axes = try inputs.constant(1, "axes")?.integers.map { Int(clamping: $0) } }
      guard let axes else { return shape.filter { $0 != 1 } }
      var resolved: Set<Int> = []
      for axis in axes {
        let index = try normalizedAxis(axis, rank: shape.count)
        guard shape[index] == 1 else {
          throw PlanningError("cannot squeeze axis \(axis) of size \(shape[index])")
        }
        resolved.insert(index)
      }
      return shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
    case .unsqueeze(let attributeAxes):
      var given = attributeAxes
      if given == nil { given = try inputs.constant(1, "axes")?.integers.map { Int(clamping: $0) } }
      guard let axes = given else { throw PlanningError("has no axes") }
      let rank = shape.count + axes.count
      var resolved: Set<Int> = []
      for axis in axes {
        let index = try normalizedAxis(axis, rank: rank)
        guard resolved.insert(index).inserted else {
          throw PlanningError("axis \(axis) is repeated")
        }
      }
      var result: [Int] = []
      var source = shape.makeIterator()
      for axis in 0..<rank { result.append(resolved.contains(axis) ? 1 : source.next()!) }
      return result
    }
  }
}

/// `Transpose`: permutes the axes (default: reversed).
struct TransposeOperator: ONNXOperator {
  var permutation: [Int]?

  init(_ context: NodeContext) throws {
    try context.expectInputs(1...1)
    permutation = try context.ints("perm")
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    let permutation = permutation ?? Array(input.shape.indices.reversed())
    guard permutation.sorted() == Array(input.shape.indices) else {
      throw PlanningError("perm \(permutation) is not a permutation of the \(input.rank) axes")
    }
    let shape = permutation.map { input.shape[$0] }
    let gather = AffineGather(
      sourceShape: input.shape, outputShape: shape, axes: permutation,
      starts: [Int](repeating: 0, count: shape.count),
      steps: [Int](repeating: 1, count: shape.count))
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { values in
      [gather.apply(values.take(0))]
    }
  }

  func mixesBatchItems(_ inputs: [PlannedTensor?]) -> Bool { (permutation?.first ?? 1) != 0 }
}

/// `Concat` along one axis, of Float32 data or of integer shape vectors.
struct ConcatOperator: ONNXOperator {
  var axis: Int

  init(_ context: NodeContext) throws {
    try context.expectInputs(1...Int.max)
    guard let axis = try context.int("axis") else {
      throw context.attributeFailure("axis", "is missing")
    }
    self.axis = axis
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let parts = inputs.compactMap { $0 }
    let first = parts[0]
    let axis = try normalizedAxis(self.axis, rank: first.rank)
    var shape = first.shape
    shape[axis] = 0
    for part in parts {
      var expected = first.shape
      expected[axis] = part.shape.count == first.rank ? part.shape[axis] : -1
      guard part.shape == expected else {
        throw PlanningError("cannot concatenate \(parts.map(\.shape)) on axis \(self.axis)")
      }
      shape[axis] = try CheckedShapeArithmetic.add(
        shape[axis], part.shape[axis], "the concatenated size of axis \(self.axis)")
    }
    _ = try CheckedShapeArithmetic.elementCount(shape, "the concatenated shape")
    let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
    let widths = parts.map { $0.shape[axis] * inner }
    let outputShape = shape
    let run: Kernel = { values in
      let present = values.indices.compactMap { values[$0] == nil ? nil : values.take($0) }
      if present.allSatisfy(\.isInteger) {
        return [
          GraphValue(
            shape: outputShape,
            integers: Self.concatenate(present.map(\.integers), outer: outer, widths: widths))
        ]
      }
      return [
        GraphValue(
          shape: outputShape,
          floats: Self.concatenate(present.map { $0.floats }, outer: outer, widths: widths))
      ]
    }
    return .kernel(outputs: [PlannedOutput(shape: shape)], run: run)
  }

  static func concatenate<T>(_ parts: [[T]], outer: Int, widths: [Int]) -> [T] {
    var output: [T] = []
    output.reserveCapacity(outer * widths.reduce(0, +))
    for row in 0..<outer {
      for (part, width) in zip(parts, widths) {
        output.append(contentsOf: part[(row * width)..<((row + 1) * width)])
      }
    }
    return output
  }
}

extension Array<Int> {
  /// The number of elements of a tensor of this shape, or `nil` when a size is negative or the
  /// product of the non-zero sizes overflows `Int` (shapes read from a file). Checking the
  /// non-zero sizes keeps every partial product of an accepted shape (the outer and inner
  /// counts the kernels take) within `Int`, even when one size is 0.
  var checkedElementCount: Int? {
    var nonZeroProduct = 1
    for size in self {
      guard size >= 0 else { return nil }
      let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: Swift.max(size, 1))
      guard !overflow else { return nil }
      nonZeroProduct = product
    }
    return contains(0) ? 0 : nonZeroProduct
  }
}
