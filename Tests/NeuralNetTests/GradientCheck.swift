import NeuralNet

/// Finite-difference gradient checks for layers, on `L = Σ output * upstream`.
enum GradientCheck {
  /// Random values in [-1, 1).
  static func random(_ shape: [Int], seed: UInt64) -> Tensor {
    WeightInitialization.uniform(shape: shape, bound: 1, seed: seed)
  }

  static func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.data, b.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }

  /// The largest `|numeric - analytic| / max(1, |numeric|)` over the input and every
  /// parameter of `layer`, probing at most `probes` values of each tensor.
  static func maximumError<L: Layer>(
    _ layer: L, input: Tensor, step: Float = 1e-2, probes: Int = 24, seed: UInt64 = 9
  ) -> Double {
    var model = layer
    let output = model.forward(input)
    let upstream = random(output.shape, seed: seed)
    model.zeroGradients()
    let analyticInput = model.backward(upstream)
    var analyticParameters: [String: Tensor] = [:]
    model.visitParameters { name, parameter in analyticParameters[name] = parameter.gradient }

    func loss(_ candidate: L, _ x: Tensor) -> Double {
      var copy = candidate
      return dot(copy.forward(x), upstream)
    }
    func indices(_ count: Int) -> [Int] {
      count <= probes ? Array(0..<count) : (0..<probes).map { ($0 * 7919 + 13) % count }
    }
    var worst: Double = 0
    for index in indices(input.count) {
      var plus = input, minus = input
      plus.data[index] += step
      minus.data[index] -= step
      let numeric = (loss(layer, plus) - loss(layer, minus)) / Double(2 * step)
      worst = max(worst, abs(numeric - Double(analyticInput.data[index])) / max(1, abs(numeric)))
    }
    var names: [String] = []
    var probe = layer
    probe.visitParameters { name, _ in names.append(name) }
    for name in names {
      let count = analyticParameters[name]!.count
      for index in indices(count) {
        func shifted(_ delta: Float) -> L {
          var copy = layer
          copy.visitParameters { visited, parameter in
            if visited == name { parameter.value.data[index] += delta }
          }
          return copy
        }
        let numeric = (loss(shifted(step), input) - loss(shifted(-step), input)) / Double(2 * step)
        worst = max(
          worst, abs(numeric - Double(analyticParameters[name]!.data[index])) / max(1, abs(numeric))
        )
      }
    }
    return worst
  }
}
