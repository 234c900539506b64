/// Average pooling over `kH x kW` windows (PyTorch's `nn.AvgPool2d`, ONNX's `AveragePool`),
/// with per-axis stride, a zero padding per side, an optional ceil mode and a choice of
/// divisor.
///
///     var pool = AvgPool2d(kernelSize: 2)
///     let y = pool.forward(x)                    // [N, C, H/2, W/2]
///     let exclusive = AvgPool2d(kernelSize: SpatialPair(3), stride: SpatialPair(1),
///                               padding: SpatialPadding(1), countIncludesPadding: false)
///
/// The divisor of window `(oy, ox)`, whose top-left corner is `(y0, x0)` in input pixels
/// (`y0 = oy * stride.height - top`, may be negative):
/// - with ``countIncludesPadding`` the window clipped to the padded plane,
///   `(min(y0 + kH, H + bottom) - y0) * (min(x0 + kW, W + right) - x0)`: `kH * kW` except for
///   the last, partial windows of ceil mode (PyTorch's and onnxruntime's rule);
/// - without it, the number of input pixels in the window.
///
/// Output size as ``MaxPool2d`` (floor or ceil mode; in ceil mode the last window starts
/// inside the input or its top or left padding). Each padding must be smaller than the kernel
/// (PyTorch allows at most `k / 2` on both sides; ONNX any `pad < k`), so every window holds
/// at least one input pixel.
///
/// Checked against PyTorch `F.avg_pool2d` (goldens `conv_pool.json`: ceil mode,
/// `count_include_pad` false, rectangular kernels; asymmetric padding as `F.pad` followed by
/// an unpadded pool, its divisor as above), which onnxruntime's `AveragePool` matches on every
/// case of `conv_pool.json`.
public struct AvgPool2d: Layer {
  /// Window height and width, in pixels.
  public var kernelSize: SpatialPair
  /// Step between windows per axis, in pixels. Default: `kernelSize`.
  public var stride: SpatialPair
  /// Zero border on each side, in pixels. Default: 0.
  public var padding: SpatialPadding
  /// Whether the output size rounds up (a last, partial window), as PyTorch's `ceil_mode`.
  /// Default: false.
  public var ceilMode: Bool
  /// Whether padded zeros count in the divisor (PyTorch's `count_include_pad`, ONNX's
  /// `count_include_pad`). Default: true.
  public var countIncludesPadding: Bool
  private var savedShape: [Int] = []

  /// Creates a pool with square windows that counts padding in the divisor.
  ///
  /// - Parameters:
  ///   - kernelSize: window side, in pixels.
  ///   - stride: step on both axes, in pixels. Default: `kernelSize`.
  ///   - padding: zero border on every side, in pixels, less than `kernelSize`. Default: 0.
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    self.init(
      kernelSize: SpatialPair(kernelSize), stride: stride.map(SpatialPair.init),
      padding: SpatialPadding(padding))
  }

  /// Creates a pool with rectangular windows.
  ///
  /// - Parameters:
  ///   - kernelSize: window height and width, in pixels, at least 1.
  ///   - stride: step per axis, in pixels, at least 1. Default: `kernelSize`.
  ///   - padding: zero border on each side, in pixels; each side is less than the kernel
  ///     size of its axis. Default: `SpatialPadding(0)`.
  ///   - ceilMode: whether the output size rounds up. Default: false.
  ///   - countIncludesPadding: whether padded zeros count in the divisor. Default: true.
  public init(
    kernelSize: SpatialPair, stride: SpatialPair? = nil,
    padding: SpatialPadding = SpatialPadding(0), ceilMode: Bool = false,
    countIncludesPadding: Bool = true
  ) {
    let stride = stride ?? kernelSize
    precondition(
      min(kernelSize.height, kernelSize.width, stride.height, stride.width) >= 1,
      "AvgPool2d: kernel \(kernelSize), stride \(stride)")
    precondition(
      padding.isNonNegative && max(padding.top, padding.bottom) < kernelSize.height
        && max(padding.left, padding.right) < kernelSize.width,
      "AvgPool2d: padding \(padding) is not smaller than the kernel \(kernelSize)")
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.ceilMode = ceilMode
    self.countIncludesPadding = countIncludesPadding
  }

  func geometry(for shape: [Int]) -> WindowGeometry {
    precondition(shape.count == 4, "AvgPool2d: input \(shape) is not NCHW")
    let g = WindowGeometry(
      kernel: kernelSize, stride: stride, padding: padding, inputHeight: shape[2],
      inputWidth: shape[3], ceilMode: ceilMode)
    precondition(
      g.isWellFormed && g.padsWithinKernelExtent,
      "AvgPool2d: kernel \(kernelSize), stride \(stride), padding \(padding)")
    precondition(
      g.outputHeight > 0 && g.outputWidth > 0,
      "AvgPool2d: input \(shape) with padding \(padding) is smaller than the window")
    return g
  }

  /// The input rows (or columns) of each window along one axis, and the divisor factor of
  /// that axis.
  static func windows(
    outputs: Int, input: Int, kernel: Int, stride: Int, before: Int, after: Int,
    countsPadding: Bool
  ) -> [(inside: Range<Int>, factor: Int)] {
    (0..<outputs).map { index in
      let start = index * stride - before
      let inside = max(start, 0)..<min(start + kernel, input)
      return (inside, countsPadding ? min(start + kernel, input + after) - start : inside.count)
    }
  }

  /// The windows of both axes for a geometry.
  func windows(
    _ g: WindowGeometry
  ) -> (rows: [(inside: Range<Int>, factor: Int)], columns: [(inside: Range<Int>, factor: Int)]) {
    let rows = Self.windows(
      outputs: g.outputHeight, input: g.inputHeight, kernel: g.kernelHeight,
      stride: g.strideHeight, before: padding.top, after: padding.bottom,
      countsPadding: countIncludesPadding)
    let columns = Self.windows(
      outputs: g.outputWidth, input: g.inputWidth, kernel: g.kernelWidth, stride: g.strideWidth,
      before: padding.left, after: padding.right, countsPadding: countIncludesPadding)
    return (rows, columns)
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    let result = output(for: input)
    savedShape = input.shape
    return result
  }

  /// The pooled `input`, for inference: the same values as ``forward(_:)``, but nothing is
  /// cached for ``backward(_:)``.
  ///
  /// - Parameter input: `[N, C, H, W]`.
  /// - Returns: `[N, C, outH, outW]`.
  public func output(for input: Tensor) -> Tensor {
    let g = geometry(for: input.shape)
    let (rows, columns) = windows(g)
    let divisors = rows.flatMap { row in columns.map { Float(row.factor * $0.factor) } }
    let insideColumns = (0..<g.kernelWidth).map { g.columnsInside(kernelColumn: $0) }
    let planes = input.shape[0] * input.shape[1]
    let outH = g.outputHeight, outW = g.outputWidth, inH = g.inputHeight, inW = g.inputWidth
    let strideWidth = g.strideWidth
    return Tensor(shape: [input.shape[0], input.shape[1], outH, outW]) { y in
      input.data.withUnsafeBufferPointer { x in
        let x = x.baseAddress!
        // Row by row, tap by tap: each window still adds its inside taps in row-major order
        // from 0, as a window-by-window loop would, and the inner loop runs along the row.
        ComputeThreads.forEach(planes) { plane in
          let source = x + plane * inH * inW
          let out = y + plane * outH * outW
          for oy in 0..<outH {
            let line = out + oy &* outW
            line.update(repeating: 0, count: outW)
            for yy in rows[oy].inside {
              let rowStart = yy &* inW
              for kx in 0..<g.kernelWidth {
                let offset = rowStart &+ kx &- g.padding.left
                var ox = insideColumns[kx].lowerBound
                let end = insideColumns[kx].upperBound
                if strideWidth <= 2 {
                  // Eight windows per step while the load stays in the input row.
                  while ox &+ 8 <= end && (ox &+ 8) &* strideWidth &+ offset <= rowStart &+ inW {
                    let raw = UnsafeRawPointer(source + (ox &* strideWidth &+ offset))
                    let values =
                      strideWidth == 1
                      ? raw.loadUnaligned(as: SIMD8<Float>.self)
                      : raw.loadUnaligned(as: SIMD16<Float>.self).evenHalf
                    let target = UnsafeMutableRawPointer(line + ox)
                    target.storeBytes(
                      of: target.loadUnaligned(as: SIMD8<Float>.self) + values,
                      as: SIMD8<Float>.self)
                    ox &+= 8
                  }
                }
                while ox < end {
                  line[ox] += source[ox &* strideWidth &+ offset]
                  ox &+= 1
                }
              }
            }
            for ox in 0..<outW { line[ox] /= divisors[oy &* outW &+ ox] }
          }
        }
      }
    }
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    let g = geometry(for: savedShape)
    let (rows, columns) = windows(g)
    let planes = savedShape[0] * savedShape[1]
    let outH = g.outputHeight, outW = g.outputWidth, inH = g.inputHeight, inW = g.inputWidth
    precondition(
      gradientOutput.shape == [savedShape[0], savedShape[1], outH, outW],
      "AvgPool2d.backward: gradient shape \(gradientOutput.shape)")
    var gradientInput = Tensor(zeros: savedShape)
    gradientOutput.data.withUnsafeBufferPointer { dy in
      gradientInput.data.withUnsafeMutableBufferPointer { dx in
        let (dy, dx) = (dy.baseAddress!, dx.baseAddress!)
        // Planes are independent; within a plane, overlapping windows add in output order.
        ComputeThreads.forEach(planes) { plane in
          let destination = dx + plane * inH * inW
          for oy in 0..<outH {
            let row = rows[oy]
            for ox in 0..<outW {
              let column = columns[ox]
              let share =
                dy[(plane * outH + oy) * outW + ox] / Float(row.factor * column.factor)
              for yy in row.inside {
                for xx in column.inside { destination[yy * inW + xx] += share }
              }
            }
          }
        }
      }
    }
    return gradientInput
  }
}
