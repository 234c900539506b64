/// `BatchNormalization` in inference mode: `y = scale * (x - mean) / sqrt(var + epsilon) + B`
/// per channel (axis 1), folded into one multiply-add per value with the per-channel factors
/// computed in Double. Training mode (`training_mode = 1`, or the running-statistics outputs
/// being read) is refused.
struct BatchNormalizationOperator: ONNXOperator {
  var epsilon: Float

  init(_ context: NodeContext) throws {
    try context.expectInputs(5...5, outputs: 1...5)
    epsilon = try context.float("epsilon", default: 1e-5)
    guard epsilon >= 0 else { throw context.attributeFailure("epsilon", "is \(epsilon)") }
    try context.refuseAttribute("training_mode") { $0.int == 0 }
    if context.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) && context.opset >= 14 {
      throw context.failure(
        "its running-statistics outputs are only produced in training mode, which is not supported")
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    guard input.rank >= 2 else {
      throw PlanningError("input has shape \(input.shape); expected N, C, ...")
    }
    let channels = input.shape[1]
    var parameters: [[Float]] = []
    for (index, role) in ["scale", "bias", "mean", "variance"].enumerated() {
      guard let value = try inputs.constant(index + 1, role), value.count == channels else {
        throw PlanningError("its \(role) does not have \(channels) values")
      }
      parameters.append(value.floats)
    }
    var factor = [Float](repeating: 0, count: channels), shift = factor
    for channel in 0..<channels {
      let a =
        Double(parameters[0][channel])
        / (Double(parameters[3][channel]) + Double(epsilon)).squareRoot()
      factor[channel] = Float(a)
      shift[channel] = Float(Double(parameters[1][channel]) - Double(parameters[2][channel]) * a)
    }
    let plane = input.shape.dropFirst(2).reduce(1, *)
    let shape = input.shape
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { [factor, shift] values in
      var data = values.take(0).takeFloats()
      data.withUnsafeMutableBufferPointer { x in
        for start in stride(from: 0, to: x.count, by: plane) {
          let channel = (start / plane) % channels
          let a = factor[channel], b = shift[channel]
          for index in start..<(start + plane) { x[index] = x[index] * a + b }
        }
      }
      return [GraphValue(shape: shape, floats: data)]
    }
  }
}
