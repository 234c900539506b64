/// Max pooling over `k x k` windows (PyTorch's `nn.MaxPool2d`, floor mode).
///
/// Padding counts as `-inf`; on ties the first maximum in row-major window order wins, and
/// backward routes each gradient to that position (overlapping windows accumulate).
///
///     var pool = MaxPool2d(kernelSize: 2)       // stride defaults to the kernel size
///     let y = pool.forward(x)                    // [N, C, H/2, W/2]
///
/// Checked against PyTorch `F.max_pool2d` (goldens `nn_layers.json`).
public struct MaxPool2d: Layer {
  /// Window side, in pixels.
  public var kernelSize: Int
  /// Step, in pixels. Default: `kernelSize`.
  public var stride: Int
  /// Implicit `-inf` border, in pixels. Default: 0.
  public var padding: Int
  private var savedShape: [Int] = []
  private var argmax: [Int32] = []

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - kernelSize: window side.
  ///   - stride: Default: `kernelSize`.
  ///   - padding: Default: 0 (at most half the kernel).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    precondition(kernelSize >= 1 && padding >= 0 && 2 * padding <= kernelSize, "MaxPool2d: kernel \(kernelSize), padding \(padding)")
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "MaxPool2d: input \(input.shape) is not NCHW")
    let g = WindowGeometry(
      kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding, dilation: 1,
      inputHeight: input.shape[2], inputWidth: input.shape[3])
    let planes = input.shape[0] * input.shape[1]
    let outH = g.outputHeight, outW = g.outputWidth, inH = g.inputHeight, inW = g.inputWidth
    var output = Tensor(zeros: [input.shape[0], input.shape[1], outH, outW])
    argmax = [Int32](repeating: -1, count: output.count)
    savedShape = input.shape
    let (kernelSize, stride, padding) = (kernelSize, stride, padding)
    input.data.withUnsafeBufferPointer { x in
      output.data.withUnsafeMutableBufferPointer { y in
        argmax.withUnsafeMutableBufferPointer { arg in
          let (x, y, arg) = (x.baseAddress!, y.baseAddress!, arg.baseAddress!)
          ComputeThreads.forEach(planes) { plane in
            let source = x + plane * inH * inW
            if kernelSize == 2 && stride == 2 && padding == 0 {
              // Fast path for the common 2x2 / stride 2 pool: same order and tie rule.
              for oy in 0..<outH {
                for ox in 0..<outW {
                  let first = 2 * oy * inW + 2 * ox
                  var bestIndex = first
                  var best = source[first]
                  for step in 1...3 {
                    let candidate = first + (step & 1) + (step >> 1) * inW  // right, below, below-right
                    let value = source[candidate]
                    if value > best || value.isNaN {
                      best = value
                      bestIndex = candidate
                    }
                  }
                  let out = (plane * outH + oy) * outW + ox
                  y[out] = best
                  arg[out] = Int32(bestIndex)
                }
              }
              return
            }
            for oy in 0..<outH {
              let y0 = oy * stride - padding
              let rows = max(y0, 0)..<min(y0 + kernelSize, inH)
              for ox in 0..<outW {
                let x0 = ox * stride - padding
                let columns = max(x0, 0)..<min(x0 + kernelSize, inW)
                var best = -Float.infinity
                var bestIndex = -1
                for yy in rows {
                  for xx in columns {
                    let value = source[yy * inW + xx]
                    if value > best || bestIndex < 0 || value.isNaN {
                      best = value
                      bestIndex = yy * inW + xx
                    }
                  }
                }
                let out = (plane * outH + oy) * outW + ox
                y[out] = best
                arg[out] = Int32(bestIndex)
              }
            }
          }
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    precondition(gradientOutput.count == argmax.count, "MaxPool2d.backward: gradient shape \(gradientOutput.shape)")
    var gradientInput = Tensor(zeros: savedShape)
    let planeIn = savedShape[2] * savedShape[3]
    let planeOut = savedShape.isEmpty ? 0 : gradientOutput.count / (savedShape[0] * savedShape[1])
    let planes = savedShape[0] * savedShape[1]
    gradientOutput.data.withUnsafeBufferPointer { dy in
      gradientInput.data.withUnsafeMutableBufferPointer { dx in
        argmax.withUnsafeBufferPointer { arg in
          let (dy, dx, arg) = (dy.baseAddress!, dx.baseAddress!, arg.baseAddress!)
          // Planes are independent; within a plane, overlapping windows add in output order.
          ComputeThreads.forEach(planes) { plane in
            for index in (plane * planeOut)..<((plane + 1) * planeOut) where arg[index] >= 0 {
              dx[plane * planeIn + Int(arg[index])] += dy[index]
            }
          }
        }
      }
    }
    return gradientInput
  }
}
