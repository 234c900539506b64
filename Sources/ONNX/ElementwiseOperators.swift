import Foundation

/// `Relu`, `LeakyRelu`, `Sigmoid`, `HardSigmoid`, `HardSwish`, `Tanh` and `Clip`: one function
/// applied to every value, in place when the input is not used elsewhere.
struct ActivationOperator: ONNXOperator {
  enum Function: Sendable {
    case relu
    case leakyRelu(alpha: Float)
    case sigmoid
    /// `max(0, min(1, alpha * x + beta))`.
    case hardSigmoid(alpha: Float, beta: Float)
    /// `x * max(0, min(1, x / 6 + 1 / 2))`.
    case hardSwish
    case tanh
    /// `min(max(x, lower), upper)`; bounds from attributes (opset < 11) or constant inputs.
    case clip(lower: Float, upper: Float)
  }

  var function: Function
  /// For `Clip` from opset 11: bounds come from inputs 1 and 2 at planning time.
  var clipBoundsFromInputs = false

  init(_ context: NodeContext) throws {
    switch context.op {
    case "Relu": function = .relu
    case "LeakyRelu": function = .leakyRelu(alpha: try context.float("alpha", default: 0.01))
    case "Sigmoid": function = .sigmoid
    case "HardSigmoid":
      function = .hardSigmoid(
        alpha: try context.float("alpha", default: 0.2),
        beta: try context.float("beta", default: 0.5))
    case "HardSwish": function = .hardSwish
    case "Tanh": function = .tanh
    case "Clip":
      if context.opset < 11 {
        function = .clip(
          lower: try context.float("min", default: -.greatestFiniteMagnitude),
          upper: try context.float("max", default: .greatestFiniteMagnitude))
      } else {
        function = .clip(lower: -.infinity, upper: .infinity)
        clipBoundsFromInputs = true
      }
    default: preconditionFailure("ActivationOperator: \(context.op)")
    }
    try context.expectInputs(clipBoundsFromInputs ? 1...3 : 1...1)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    var function = function
    if clipBoundsFromInputs {
      func bound(_ index: Int, _ role: String) throws(PlanningError) -> Float? {
        guard let value = try inputs.constant(index, role) else { return nil }
        guard value.count == 1 else {
          throw PlanningError("its \(role) has shape \(value.shape), not a scalar")
        }
        return value.floats[0]
      }
      function = .clip(
        lower: try bound(1, "min") ?? -.infinity, upper: try bound(2, "max") ?? .infinity)
    }
    let input = inputs.required(0)
    return .kernel(outputs: [PlannedOutput(shape: input.shape)]) { [function] values in
      let value = values.take(0)
      let shape = value.shape
      var data = value.takeFloats()
      data.withUnsafeMutableBufferPointer { Self.apply(function, to: $0) }
      return [GraphValue(shape: shape, floats: data)]
    }
  }

  /// Applies `function` to every value in place.
  static func apply(_ function: Function, to x: UnsafeMutableBufferPointer<Float>) {
    switch function {
    case .relu:
      for index in x.indices { x[index] = x[index] < 0 ? 0 : x[index] }
    case .leakyRelu(let alpha):
      for index in x.indices { x[index] = x[index] < 0 ? alpha * x[index] : x[index] }
    case .sigmoid:
      for index in x.indices { x[index] = 1 / (1 + exp(-x[index])) }
    case .hardSigmoid(let alpha, let beta):
      for index in x.indices { x[index] = max(0, min(1, alpha * x[index] + beta)) }
    case .hardSwish:
      for index in x.indices { x[index] *= max(0, min(1, x[index] / 6 + 0.5)) }
    case .tanh:
      for index in x.indices { x[index] = Foundation.tanh(x[index]) }
    case .clip(let lower, let upper):
      for index in x.indices { x[index] = min(max(x[index], lower), upper) }
    }
  }
}

/// `Identity` and `Dropout` (inference: the input unchanged; the optional mask output is
/// refused when a later node reads it).
struct PassThroughOperator: ONNXOperator {
  init(_ context: NodeContext) throws {
    if context.op == "Dropout" {
      try context.expectInputs(1...3, outputs: 1...2)
    } else {
      try context.expectInputs(1...1)
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    if let training = try inputs.constant(2, "training_mode"), training.integers.first ?? 0 != 0 {
      throw PlanningError("training_mode is true; only inference is supported")
    }
    let input = inputs.required(0)
    if let constant = input.constant { return .constant([constant]) }
    return .kernel(outputs: [PlannedOutput(shape: input.shape)]) { values in [values.take(0)] }
  }
}
