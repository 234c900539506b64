/// A per-channel scale and shift, `y[n, c, …] = weight[c] · x[n, c, …] + bias[c]`: batch
/// normalisation with its statistics folded in (torchvision's `FrozenBatchNorm2d`, with the
/// scale and shift trainable).
///
/// Used where a network trained elsewhere normalises a tensor that no convolution could absorb
/// the normalisation into; its statistics then stay as they were learnt, which is what
/// fine-tuning with one or two images per step needs (batch statistics of such small batches
/// are noise).
///
///     var affine = ChannelAffine(scale: [1.5, 0.5], shift: [0, -1])
///     let y = affine.forward(x)          // [N, 2, H, W]
///
/// - Complexity: O(values) forward and backward; the parameter gradients are summed over
///   images and positions in Double, in a fixed order.
public struct ChannelAffine: Layer {
  /// The scale per channel, `[C]` (state-dict name `weight`).
  public var weight: Parameter
  /// The shift per channel, `[C]` (state-dict name `bias`).
  public var bias: Parameter
  private var savedInput: Tensor?

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - scale: The scale of each channel.
  ///   - shift: The shift of each channel, as many values as `scale`.
  public init(scale: [Float], shift: [Float]) {
    precondition(
      scale.count == shift.count && !scale.isEmpty,
      "ChannelAffine: \(scale.count) scales and \(shift.count) shifts")
    weight = Parameter(Tensor(shape: [scale.count], data: scale))
    bias = Parameter(Tensor(shape: [shift.count], data: shift))
  }

  /// The number of channels.
  public var channels: Int { weight.value.count }

  /// The values of a plane of `input`: `(images, plane size)`.
  private func layout(_ input: Tensor) -> (images: Int, plane: Int) {
    precondition(
      input.rank >= 2 && input.shape[1] == channels,
      "ChannelAffine: input \(input.shape) does not have \(channels) channels on axis 1")
    return (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    savedInput = input
    return output(for: input)
  }

  /// The output for `input` without keeping anything for ``backward(_:)``.
  public func output(for input: Tensor) -> Tensor {
    let (images, plane) = layout(input)
    var output = input
    let scale = weight.value.data, shift = bias.value.data, channels = channels
    output.data.withUnsafeMutableBufferPointer { y in
      for n in 0..<images {
        for c in 0..<channels {
          let base = (n * channels + c) * plane
          let a = scale[c], b = shift[c]
          for index in base..<(base + plane) { y[index] = y[index] * a + b }
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else {
      preconditionFailure("ChannelAffine.backward called before forward")
    }
    precondition(
      gradientOutput.shape == input.shape,
      "ChannelAffine.backward: gradient shape \(gradientOutput.shape)")
    let (images, plane) = layout(input)
    let channels = channels, scale = weight.value.data
    var gradientInput = gradientOutput
    var scaleSums = [Double](repeating: 0, count: channels)
    var shiftSums = [Double](repeating: 0, count: channels)
    gradientInput.data.withUnsafeMutableBufferPointer { dx in
      input.data.withUnsafeBufferPointer { x in
        for n in 0..<images {
          for c in 0..<channels {
            let base = (n * channels + c) * plane
            var product: Double = 0, sum: Double = 0
            for index in base..<(base + plane) {
              let dy = dx[index]
              product += Double(dy) * Double(x[index])
              sum += Double(dy)
              dx[index] = dy * scale[c]
            }
            scaleSums[c] += product
            shiftSums[c] += sum
          }
        }
      }
    }
    for c in 0..<channels {
      weight.gradient.data[c] += Float(scaleSums[c])
      bias.gradient.data[c] += Float(shiftSums[c])
    }
    return gradientInput
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    visit("weight", &weight)
    visit("bias", &bias)
  }
}
