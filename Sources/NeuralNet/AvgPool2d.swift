/// Average pooling over `k x k` windows (PyTorch's `nn.AvgPool2d`, floor mode,
/// `count_include_pad=True`: padded zeros count in the `k * k` divisor).
///
///     var pool = AvgPool2d(kernelSize: 2)
public struct AvgPool2d: Layer {
  /// Window side, in pixels.
  public var kernelSize: Int
  /// Step, in pixels. Default: `kernelSize`.
  public var stride: Int
  /// Zero border, in pixels. Default: 0.
  public var padding: Int
  private var savedShape: [Int] = []

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - kernelSize: window side.
  ///   - stride: Default: `kernelSize`.
  ///   - padding: Default: 0 (at most half the kernel).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    precondition(kernelSize >= 1 && padding >= 0 && 2 * padding <= kernelSize, "AvgPool2d: kernel \(kernelSize), padding \(padding)")
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
  }

  private func geometry(_ shape: [Int]) -> WindowGeometry {
    WindowGeometry(
      kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding, dilation: 1,
      inputHeight: shape[2], inputWidth: shape[3])
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "AvgPool2d: input \(input.shape) is not NCHW")
    savedShape = input.shape
    let g = geometry(input.shape)
    let planes = input.shape[0] * input.shape[1]
    let outH = g.outputHeight, outW = g.outputWidth, inH = g.inputHeight, inW = g.inputWidth
    let divisor = Float(kernelSize * kernelSize)
    var output = Tensor(zeros: [input.shape[0], input.shape[1], outH, outW])
    input.data.withUnsafeBufferPointer { x in
      output.data.withUnsafeMutableBufferPointer { y in
        for plane in 0..<planes {
          let source = x.baseAddress! + plane * inH * inW
          for oy in 0..<outH {
            let y0 = oy * stride - padding
            for ox in 0..<outW {
              let x0 = ox * stride - padding
              var sum: Float = 0
              for yy in max(y0, 0)..<min(y0 + kernelSize, inH) {
                for xx in max(x0, 0)..<min(x0 + kernelSize, inW) { sum += source[yy * inW + xx] }
              }
              y[(plane * outH + oy) * outW + ox] = sum / divisor
            }
          }
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    let g = geometry(savedShape)
    let planes = savedShape[0] * savedShape[1]
    let outH = g.outputHeight, outW = g.outputWidth, inH = g.inputHeight, inW = g.inputWidth
    precondition(gradientOutput.shape == [savedShape[0], savedShape[1], outH, outW], "AvgPool2d.backward: gradient shape \(gradientOutput.shape)")
    let divisor = Float(kernelSize * kernelSize)
    var gradientInput = Tensor(zeros: savedShape)
    gradientOutput.data.withUnsafeBufferPointer { dy in
      gradientInput.data.withUnsafeMutableBufferPointer { dx in
        for plane in 0..<planes {
          let destination = dx.baseAddress! + plane * inH * inW
          for oy in 0..<outH {
            let y0 = oy * stride - padding
            for ox in 0..<outW {
              let x0 = ox * stride - padding
              let share = dy[(plane * outH + oy) * outW + ox] / divisor
              for yy in max(y0, 0)..<min(y0 + kernelSize, inH) {
                for xx in max(x0, 0)..<min(x0 + kernelSize, inW) { destination[yy * inW + xx] += share }
              }
            }
          }
        }
      }
    }
    return gradientInput
  }
}
