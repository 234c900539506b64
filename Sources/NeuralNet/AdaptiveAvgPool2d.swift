/// Averages each channel onto a fixed `outH x outW` grid (PyTorch's `nn.AdaptiveAvgPool2d`).
///
/// Output cell `i` averages input rows `[floor(i * H / outH), ceil((i + 1) * H / outH))`
/// (columns likewise), so bins may overlap when `H` is not a multiple of `outH`.
///
///     var gap = AdaptiveAvgPool2d(outputHeight: 1, outputWidth: 1)   // global average pooling
///
/// Checked against PyTorch `F.adaptive_avg_pool2d` (goldens `nn_layers.json`).
public struct AdaptiveAvgPool2d: Layer {
  /// Output rows.
  public var outputHeight: Int
  /// Output columns.
  public var outputWidth: Int
  private var savedShape: [Int] = []

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - outputHeight: output rows.
  ///   - outputWidth: output columns.
  public init(outputHeight: Int, outputWidth: Int) {
    precondition(
      outputHeight >= 1 && outputWidth >= 1,
      "AdaptiveAvgPool2d: output \(outputHeight)x\(outputWidth)")
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
  }

  static func bin(_ index: Int, outputs: Int, inputs: Int) -> Range<Int> {
    let start = (index * inputs) / outputs
    let end = ((index + 1) * inputs + outputs - 1) / outputs
    return start..<end
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "AdaptiveAvgPool2d: input \(input.shape) is not NCHW")
    savedShape = input.shape
    let planes = input.shape[0] * input.shape[1], inH = input.shape[2], inW = input.shape[3]
    let outH = outputHeight, outW = outputWidth
    var output = Tensor(zeros: [input.shape[0], input.shape[1], outH, outW])
    input.data.withUnsafeBufferPointer { x in
      output.data.withUnsafeMutableBufferPointer { y in
        for plane in 0..<planes {
          let source = x.baseAddress! + plane * inH * inW
          for oy in 0..<outH {
            let rows = Self.bin(oy, outputs: outH, inputs: inH)
            for ox in 0..<outW {
              let columns = Self.bin(ox, outputs: outW, inputs: inW)
              var sum: Float = 0
              for yy in rows { for xx in columns { sum += source[yy * inW + xx] } }
              y[(plane * outH + oy) * outW + ox] = sum / Float(rows.count * columns.count)
            }
          }
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    let planes = savedShape[0] * savedShape[1], inH = savedShape[2], inW = savedShape[3]
    let outH = outputHeight, outW = outputWidth
    precondition(
      gradientOutput.shape == [savedShape[0], savedShape[1], outH, outW],
      "AdaptiveAvgPool2d.backward: gradient shape \(gradientOutput.shape)")
    var gradientInput = Tensor(zeros: savedShape)
    gradientOutput.data.withUnsafeBufferPointer { dy in
      gradientInput.data.withUnsafeMutableBufferPointer { dx in
        for plane in 0..<planes {
          let destination = dx.baseAddress! + plane * inH * inW
          for oy in 0..<outH {
            let rows = Self.bin(oy, outputs: outH, inputs: inH)
            for ox in 0..<outW {
              let columns = Self.bin(ox, outputs: outW, inputs: inW)
              let share = dy[(plane * outH + oy) * outW + ox] / Float(rows.count * columns.count)
              for yy in rows { for xx in columns { destination[yy * inW + xx] += share } }
            }
          }
        }
      }
    }
    return gradientInput
  }
}
