/// A fully connected layer, `y = x Wᵀ + b` (PyTorch's `nn.Linear`).
///
/// Forward and backward are single OpenBLAS `sgemm` calls.
///
///     var fc = Linear(inFeatures: 128, outFeatures: 10, seed: 3)
///     let logits = fc.forward(features)   // [N, 128] -> [N, 10]
///
/// Checked against PyTorch `F.linear` (goldens `nn_layers.json`) and finite differences.
///
/// - Complexity: O(N * in * out).
public struct Linear: Layer {
  /// `[out, in]` (state-dict name `weight`).
  public var weight: Parameter
  /// `[out]` (state-dict name `bias`), or nil.
  public var bias: Parameter?
  private var savedInput: Tensor?

  /// Creates a layer with PyTorch's default initialisation (uniform in `±1/sqrt(in)`), seeded.
  ///
  /// - Parameters:
  ///   - inFeatures: input width.
  ///   - outFeatures: output width.
  ///   - hasBias: Default: true.
  ///   - seed: seed of the initialisation.
  public init(inFeatures: Int, outFeatures: Int, hasBias: Bool = true, seed: UInt64) {
    let bound = 1 / Float(inFeatures).squareRoot()
    self.init(
      weight: WeightInitialization.uniform(
        shape: [outFeatures, inFeatures], bound: bound, seed: seed),
      bias: hasBias
        ? WeightInitialization.uniform(shape: [outFeatures], bound: bound, seed: seed &+ 1) : nil)
  }

  /// Creates a layer from given weights.
  ///
  /// - Parameters:
  ///   - weight: `[out, in]`.
  ///   - bias: `[out]` or nil. Default: nil.
  public init(weight: Tensor, bias: Tensor? = nil) {
    precondition(weight.rank == 2, "Linear: weight shape \(weight.shape) is not [out, in]")
    precondition(
      bias == nil || bias!.shape == [weight.shape[0]],
      "Linear: bias shape does not match \(weight.shape[0]) outputs")
    self.weight = Parameter(weight)
    self.bias = bias.map(Parameter.init)
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    let outFeatures = weight.value.shape[0], inFeatures = weight.value.shape[1]
    precondition(
      input.rank == 2 && input.shape[1] == inFeatures,
      "Linear: input \(input.shape) is not [N, \(inFeatures)]")
    savedInput = input
    let batch = input.shape[0]
    var output = Tensor(zeros: [batch, outFeatures])
    if let bias {
      for n in 0..<batch {
        for o in 0..<outFeatures { output.data[n * outFeatures + o] = bias.value.data[o] }
      }
    }
    input.data.withUnsafeBufferPointer { x in
      weight.value.data.withUnsafeBufferPointer { w in
        output.data.withUnsafeMutableBufferPointer { y in
          matrixMultiply(
            transposeA: false, transposeB: true, m: batch, n: outFeatures, k: inFeatures,
            a: x.baseAddress!, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures,
            beta: bias == nil ? 0 : 1, c: y.baseAddress!, ldc: outFeatures)
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else {
      preconditionFailure("Linear.backward called before forward")
    }
    let outFeatures = weight.value.shape[0], inFeatures = weight.value.shape[1],
      batch = input.shape[0]
    precondition(
      gradientOutput.shape == [batch, outFeatures],
      "Linear.backward: gradient shape \(gradientOutput.shape)")
    var gradientInput = Tensor(zeros: input.shape)
    gradientOutput.data.withUnsafeBufferPointer { dy in
      weight.value.data.withUnsafeBufferPointer { w in
        gradientInput.data.withUnsafeMutableBufferPointer { dx in
          matrixMultiply(
            transposeA: false, transposeB: false, m: batch, n: inFeatures, k: outFeatures,
            a: dy.baseAddress!, lda: outFeatures, b: w.baseAddress!, ldb: inFeatures,
            beta: 0, c: dx.baseAddress!, ldc: inFeatures)
        }
      }
      input.data.withUnsafeBufferPointer { x in
        weight.gradient.data.withUnsafeMutableBufferPointer { dw in
          matrixMultiply(
            transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: batch,
            a: dy.baseAddress!, lda: outFeatures, b: x.baseAddress!, ldb: inFeatures,
            beta: 1, c: dw.baseAddress!, ldc: inFeatures)
        }
      }
      if var biasParameter = bias {
        for o in 0..<outFeatures {
          var sum: Float = 0
          for n in 0..<batch { sum += dy[n * outFeatures + o] }
          biasParameter.gradient.data[o] += sum
        }
        bias = biasParameter
      }
    }
    return gradientInput
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    visit("weight", &weight)
    if var biasParameter = bias {
      visit("bias", &biasParameter)
      bias = biasParameter
    }
  }
}
