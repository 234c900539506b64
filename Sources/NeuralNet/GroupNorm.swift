/// Group normalisation (Wu & He 2018; PyTorch's `nn.GroupNorm`): each sample's channels are
/// split into groups, normalised over `(C / G, H, W)`, then scaled and shifted per channel.
///
/// Unlike batch norm it uses no batch statistics, so training and evaluation agree.
///
///     var gn = GroupNorm(groups: 4, channels: 32)
///
/// Checked against finite differences.
public struct GroupNorm: Layer {
  /// `G`.
  public var groups: Int
  /// `γ`, `[C]` (`weight`).
  public var weight: Parameter
  /// `β`, `[C]` (`bias`).
  public var bias: Parameter
  /// Added to the variance. Default: 1e-5.
  public var epsilon: Float
  private var saved: (normalized: Tensor, inverseStd: [Float])?

  /// Creates the layer with `γ = 1`, `β = 0`.
  ///
  /// - Parameters:
  ///   - groups: `G`, dividing `channels`.
  ///   - channels: `C`.
  ///   - epsilon: Default: 1e-5.
  public init(groups: Int, channels: Int, epsilon: Float = 1e-5) {
    precondition(
      groups >= 1 && channels % groups == 0,
      "GroupNorm: \(groups) groups do not divide \(channels) channels")
    self.groups = groups
    weight = Parameter(Tensor(shape: [channels], repeating: 1))
    bias = Parameter(Tensor(zeros: [channels]))
    self.epsilon = epsilon
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    let channels = weight.value.count
    precondition(
      input.rank == 4 && input.shape[1] == channels,
      "GroupNorm: input \(input.shape) does not have \(channels) channels in NCHW")
    let batch = input.shape[0], plane = input.shape[2] * input.shape[3]
    let groupSize = channels / groups * plane
    var normalized = Tensor(zeros: input.shape)
    var output = Tensor(zeros: input.shape)
    var inverseStd = [Float](repeating: 0, count: batch * groups)
    for n in 0..<batch {
      for group in 0..<groups {
        let base = (n * groups + group) * groupSize
        var sum: Double = 0
        for i in 0..<groupSize { sum += Double(input.data[base + i]) }
        let mean = sum / Double(groupSize)
        var squares: Double = 0
        for i in 0..<groupSize {
          let d = Double(input.data[base + i]) - mean
          squares += d * d
        }
        let s = Float(1 / (squares / Double(groupSize) + Double(epsilon)).squareRoot())
        inverseStd[n * groups + group] = s
        for i in 0..<groupSize {
          let c = group * (channels / groups) + i / plane
          let xhat = (input.data[base + i] - Float(mean)) * s
          normalized.data[base + i] = xhat
          output.data[base + i] = xhat * weight.value.data[c] + bias.value.data[c]
        }
      }
    }
    saved = (normalized, inverseStd)
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let saved else { preconditionFailure("GroupNorm.backward called before forward") }
    let shape = saved.normalized.shape
    precondition(
      gradientOutput.shape == shape, "GroupNorm.backward: gradient shape \(gradientOutput.shape)")
    let batch = shape[0], channels = shape[1], plane = shape[2] * shape[3]
    let perGroup = channels / groups, groupSize = perGroup * plane
    var gradientInput = Tensor(zeros: shape)
    for c in 0..<channels {
      var sumDy: Double = 0, sumDyXhat: Double = 0
      for n in 0..<batch {
        for i in 0..<plane {
          let index = (n * channels + c) * plane + i
          sumDy += Double(gradientOutput.data[index])
          sumDyXhat += Double(gradientOutput.data[index]) * Double(saved.normalized.data[index])
        }
      }
      weight.gradient.data[c] += Float(sumDyXhat)
      bias.gradient.data[c] += Float(sumDy)
    }
    for n in 0..<batch {
      for group in 0..<groups {
        let base = (n * groups + group) * groupSize
        var sumG: Double = 0, sumGXhat: Double = 0
        for i in 0..<groupSize {
          let g =
            Double(gradientOutput.data[base + i])
            * Double(weight.value.data[group * perGroup + i / plane])
          sumG += g
          sumGXhat += g * Double(saved.normalized.data[base + i])
        }
        let s = Double(saved.inverseStd[n * groups + group]), count = Double(groupSize)
        for i in 0..<groupSize {
          let g =
            Double(gradientOutput.data[base + i])
            * Double(weight.value.data[group * perGroup + i / plane])
          let xhat = Double(saved.normalized.data[base + i])
          gradientInput.data[base + i] = Float(s * (g - sumG / count - xhat * sumGXhat / count))
        }
      }
    }
    return gradientInput
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    visit("weight", &weight)
    visit("bias", &bias)
  }
}
