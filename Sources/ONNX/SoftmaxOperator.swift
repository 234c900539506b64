import Foundation

/// `Softmax`. From opset 13 along one axis (default -1); before opset 13 the input is viewed
/// as a matrix `[prod(shape[..<axis]), prod(shape[axis...])]` (default axis 1) and each row is
/// normalised — the two differ on tensors of rank above 2. Sums in Double after subtracting
/// the maximum.
struct SoftmaxOperator: ONNXOperator {
  var axis: Int
  var coercesToMatrix: Bool

  init(_ context: NodeContext) throws {
    try context.expectInputs(1...1)
    coercesToMatrix = context.opset < 13
    axis = try context.int("axis", default: coercesToMatrix ? 1 : -1)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    let axis = try normalizedAxis(self.axis, rank: input.rank)
    let shape = input.shape
    // Rows of `length` values `step` apart; `outer * step` rows in all.
    let (outer, length, step) =
      coercesToMatrix
      ? (shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *), 1)
      : (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { values in
      var data = values.take(0).takeFloats()
      data.withUnsafeMutableBufferPointer { x in
        for block in 0..<outer {
          for lane in 0..<step {
            let base = block * length * step + lane
            var largest = -Float.infinity
            for index in 0..<length { largest = max(largest, x[base + index * step]) }
            var sum = 0.0
            for index in 0..<length {
              let e = exp(Double(x[base + index * step] - largest))
              x[base + index * step] = Float(e)
              sum += e
            }
            for index in 0..<length {
              x[base + index * step] = Float(Double(x[base + index * step]) / sum)
            }
          }
        }
      }
      return [GraphValue(shape: shape, floats: data)]
    }
  }

  func mixesBatchItems(_ inputs: [PlannedTensor?]) -> Bool {
    (try? normalizedAxis(axis, rank: inputs.required(0).rank)) == 0
  }
}
