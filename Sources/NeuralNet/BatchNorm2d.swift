/// Batch normalisation over `(N, H, W)` per channel (Ioffe & Szegedy 2015; PyTorch's
/// `nn.BatchNorm2d`).
///
/// Training: normalise with the batch mean and biased variance, and update
/// `running = (1 - momentum) * running + momentum * batch` with the unbiased variance.
/// Evaluation: normalise with the running statistics. State-dict names follow PyTorch
/// (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`).
///
///     var bn = BatchNorm2d(channels: 16)
///     bn.setTraining(false)   // use running statistics
///
/// Statistics are summed in Double in a fixed order, so results do not depend on threads.
/// Checked against finite differences and the PyTorch round trip (`Fixtures/nn/`).
public struct BatchNorm2d: Layer {
  /// `γ`, `[C]` (`weight`).
  public var weight: Parameter
  /// `β`, `[C]` (`bias`).
  public var bias: Parameter
  /// `[C]` (`running_mean`).
  public var runningMean: Tensor
  /// `[C]` (`running_var`).
  public var runningVariance: Tensor
  /// Training steps seen, shape `[]` (`num_batches_tracked`).
  public var batchesTracked: Tensor
  /// Added to the variance. Default: 1e-5.
  public var epsilon: Float
  /// Running-average factor. Default: 0.1.
  public var momentum: Float
  /// Training (batch statistics) or evaluation (running statistics). Default: true.
  public var isTraining = true
  private var saved: (normalized: Tensor, inverseStd: [Float], usedBatchStatistics: Bool)?

  /// Creates the layer with `γ = 1`, `β = 0`, running mean 0 and variance 1.
  ///
  /// - Parameters:
  ///   - channels: `C`.
  ///   - epsilon: Default: 1e-5.
  ///   - momentum: Default: 0.1.
  public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
    weight = Parameter(Tensor(shape: [channels], repeating: 1))
    bias = Parameter(Tensor(zeros: [channels]))
    runningMean = Tensor(zeros: [channels])
    runningVariance = Tensor(shape: [channels], repeating: 1)
    batchesTracked = Tensor(zeros: [])
    self.epsilon = epsilon
    self.momentum = momentum
  }

  public mutating func setTraining(_ isTraining: Bool) { self.isTraining = isTraining }

  public mutating func forward(_ input: Tensor) -> Tensor {
    let channels = weight.value.count
    precondition(
      input.rank == 4 && input.shape[1] == channels,
      "BatchNorm2d: input \(input.shape) does not have \(channels) channels in NCHW")
    let batch = input.shape[0], plane = input.shape[2] * input.shape[3]
    let perChannel = batch * plane
    var mean = runningMean.data, variance = runningVariance.data
    if isTraining {
      precondition(perChannel > 1, "BatchNorm2d: training needs more than one value per channel")
      for c in 0..<channels {
        var sum: Double = 0
        for n in 0..<batch {
          for i in 0..<plane { sum += Double(input.data[(n * channels + c) * plane + i]) }
        }
        let m = sum / Double(perChannel)
        var squares: Double = 0
        for n in 0..<batch {
          for i in 0..<plane {
            let d = Double(input.data[(n * channels + c) * plane + i]) - m
            squares += d * d
          }
        }
        mean[c] = Float(m)
        variance[c] = Float(squares / Double(perChannel))
        runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * Float(m)
        runningVariance.data[c] =
          (1 - momentum) * runningVariance.data[c] + momentum
          * Float(squares / Double(perChannel - 1))
      }
      batchesTracked.data[0] += 1
    }
    let inverseStd = (0..<channels).map { 1 / (variance[$0] + epsilon).squareRoot() }
    var normalized = Tensor(zeros: input.shape)
    var output = Tensor(zeros: input.shape)
    for n in 0..<batch {
      for c in 0..<channels {
        let base = (n * channels + c) * plane
        let g = weight.value.data[c], b = bias.value.data[c], m = mean[c], s = inverseStd[c]
        for i in 0..<plane {
          let xhat = (input.data[base + i] - m) * s
          normalized.data[base + i] = xhat
          output.data[base + i] = xhat * g + b
        }
      }
    }
    saved = (normalized, inverseStd, isTraining)
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let saved else { preconditionFailure("BatchNorm2d.backward called before forward") }
    let shape = saved.normalized.shape
    precondition(
      gradientOutput.shape == shape, "BatchNorm2d.backward: gradient shape \(gradientOutput.shape)")
    let channels = shape[1], batch = shape[0], plane = shape[2] * shape[3]
    let count = Double(batch * plane)
    var gradientInput = Tensor(zeros: shape)
    for c in 0..<channels {
      var sumDy: Double = 0, sumDyXhat: Double = 0
      for n in 0..<batch {
        let base = (n * channels + c) * plane
        for i in 0..<plane {
          let dy = Double(gradientOutput.data[base + i])
          sumDy += dy
          sumDyXhat += dy * Double(saved.normalized.data[base + i])
        }
      }
      weight.gradient.data[c] += Float(sumDyXhat)
      bias.gradient.data[c] += Float(sumDy)
      let g = Double(weight.value.data[c]), s = Double(saved.inverseStd[c])
      for n in 0..<batch {
        let base = (n * channels + c) * plane
        for i in 0..<plane {
          let dy = Double(gradientOutput.data[base + i])
          if saved.usedBatchStatistics {
            let xhat = Double(saved.normalized.data[base + i])
            gradientInput.data[base + i] = Float(
              g * s * (dy - sumDy / count - xhat * sumDyXhat / count))
          } else {
            gradientInput.data[base + i] = Float(g * s * dy)
          }
        }
      }
    }
    return gradientInput
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    visit("weight", &weight)
    visit("bias", &bias)
  }

  public mutating func visitBuffers(_ visit: (String, inout Tensor) -> Void) {
    visit("running_mean", &runningMean)
    visit("running_var", &runningVariance)
    visit("num_batches_tracked", &batchesTracked)
  }
}
