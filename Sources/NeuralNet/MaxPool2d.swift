/// Max pooling over `kH x kW` windows (PyTorch's `nn.MaxPool2d`, ONNX's `MaxPool`), with
/// per-axis stride and dilation, a padding per side and an optional ceil mode.
///
/// Padding counts as `-inf`; on ties the first maximum in row-major window order wins (a NaN
/// wins over any number), and backward routes each gradient to that position (overlapping
/// windows accumulate).
///
///     var pool = MaxPool2d(kernelSize: 2)       // stride defaults to the kernel size
///     let y = pool.forward(x)                    // [N, C, H/2, W/2]
///     let stem = MaxPool2d(kernelSize: SpatialPair(3), stride: SpatialPair(2),
///                          padding: SpatialPadding(1), ceilMode: true)
///
/// Output height: `floor((H + top + bottom - dilation.height * (kH - 1) - 1) / stride.height)
/// + 1`; in ceil mode `ceil(...)` instead of `floor(...)`, less one when the last window would
/// start in the bottom padding (PyTorch's and onnxruntime's rule). The width likewise. Each
/// padding must be smaller than the kernel extent `dilation * (k - 1) + 1` (PyTorch allows at
/// most `k / 2` on both sides; ONNX any `pad < k`), so every window overlaps the input. With
/// dilation, the taps of a window may still all fall in the padding; such a window gives
/// ``emptyWindowValue`` (`-inf`, as PyTorch; onnxruntime gives `-Float.greatestFiniteMagnitude`)
/// and passes no gradient back.
///
/// Checked against PyTorch `F.max_pool2d` (goldens `nn_layers.json` and `conv_pool.json`:
/// ceil mode, asymmetric padding as `F.pad(x, value=-inf)`, rectangular kernels, dilation),
/// which onnxruntime's `MaxPool` matches on every case of `conv_pool.json`.
public struct MaxPool2d: Layer {
  /// Window height and width, in pixels.
  public var kernelSize: SpatialPair
  /// Step between windows per axis, in pixels. Default: `kernelSize`.
  public var stride: SpatialPair
  /// Implicit `-inf` border on each side, in pixels. Default: 0.
  public var padding: SpatialPadding
  /// Spacing between window taps per axis, in pixels. Default: 1.
  public var dilation: SpatialPair
  /// Whether the output size rounds up (a last, partial window), as PyTorch's `ceil_mode`.
  /// Default: false.
  public var ceilMode: Bool
  /// The output of a window whose taps all fall in the padding (possible only with dilation).
  /// Set `-Float.greatestFiniteMagnitude` to match onnxruntime's `MaxPool`. Default: `-inf`
  /// (PyTorch).
  public var emptyWindowValue: Float = -.infinity
  private var savedShape: [Int] = []
  private var argmax: [Int32] = []

  /// Creates a pool with square windows.
  ///
  /// - Parameters:
  ///   - kernelSize: window side, in pixels.
  ///   - stride: step on both axes, in pixels. Default: `kernelSize`.
  ///   - padding: `-inf` border on every side, in pixels, less than `kernelSize`. Default: 0.
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    self.init(
      kernelSize: SpatialPair(kernelSize), stride: stride.map(SpatialPair.init),
      padding: SpatialPadding(padding))
  }

  /// Creates a pool with rectangular, possibly dilated windows.
  ///
  /// - Parameters:
  ///   - kernelSize: window height and width, in pixels, at least 1.
  ///   - stride: step per axis, in pixels, at least 1. Default: `kernelSize`.
  ///   - padding: `-inf` border on each side, in pixels; each side is less than the kernel
  ///     extent `dilation * (k - 1) + 1` of its axis. Default: `SpatialPadding(0)`.
  ///   - dilation: spacing between taps per axis, in pixels, at least 1.
  ///     Default: `SpatialPair(1)`.
  ///   - ceilMode: whether the output size rounds up. Default: false.
  public init(
    kernelSize: SpatialPair, stride: SpatialPair? = nil,
    padding: SpatialPadding = SpatialPadding(0), dilation: SpatialPair = SpatialPair(1),
    ceilMode: Bool = false
  ) {
    let stride = stride ?? kernelSize
    precondition(
      min(kernelSize.height, kernelSize.width, stride.height, stride.width) >= 1
        && min(dilation.height, dilation.width) >= 1,
      "MaxPool2d: kernel \(kernelSize), stride \(stride), dilation \(dilation)")
    let extent = SpatialPair(
      height: dilation.height * (kernelSize.height - 1) + 1,
      width: dilation.width * (kernelSize.width - 1) + 1)
    precondition(
      padding.isNonNegative && max(padding.top, padding.bottom) < extent.height
        && max(padding.left, padding.right) < extent.width,
      "MaxPool2d: padding \(padding) is not smaller than the kernel extent \(extent)")
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.ceilMode = ceilMode
  }

  func geometry(for input: Tensor) -> WindowGeometry {
    precondition(input.rank == 4, "MaxPool2d: input \(input.shape) is not NCHW")
    let g = WindowGeometry(
      kernel: kernelSize, stride: stride, padding: padding, dilation: dilation,
      inputHeight: input.shape[2], inputWidth: input.shape[3], ceilMode: ceilMode)
    precondition(
      g.isWellFormed && g.padsWithinKernelExtent,
      "MaxPool2d: kernel \(kernelSize), stride \(stride), padding \(padding), dilation \(dilation)")
    precondition(
      g.outputHeight > 0 && g.outputWidth > 0,
      "MaxPool2d: input \(input.shape) with padding \(padding) is smaller than the window")
    return g
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    let g = geometry(for: input)
    let outputShape = [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth]
    var indices = [Int32](repeating: -1, count: outputShape.reduce(1, *))
    let output = indices.withUnsafeMutableBufferPointer { arg in
      Self.pool(input, geometry: g, emptyWindowValue: emptyWindowValue, argmax: arg.baseAddress)
    }
    argmax = indices
    savedShape = input.shape
    return output
  }

  /// The pooled `input`, for inference: the same values as ``forward(_:)``, but nothing is
  /// cached for ``backward(_:)``.
  ///
  /// - Parameter input: `[N, C, H, W]`.
  /// - Returns: `[N, C, outH, outW]`.
  public func output(for input: Tensor) -> Tensor {
    Self.pool(
      input, geometry: geometry(for: input), emptyWindowValue: emptyWindowValue, argmax: nil)
  }

  /// Pools every plane; writes each window's winning index within its plane (-1 for a window
  /// without input pixels) into `argmax` when given.
  static func pool(
    _ input: Tensor, geometry g: WindowGeometry, emptyWindowValue: Float,
    argmax: UnsafeMutablePointer<Int32>?
  ) -> Tensor {
    let planes = input.shape[0] * input.shape[1]
    let outH = g.outputHeight, outW = g.outputWidth, inH = g.inputHeight, inW = g.inputWidth
    let isPlainHalving =
      g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
      && g.dilationHeight == 1 && g.dilationWidth == 1 && g.padding == SpatialPadding(0)
      && 2 * outH <= inH && 2 * outW <= inW
    let columnTaps = (0..<outW).map { g.columnTaps($0) }
    let insideColumns = (0..<g.kernelWidth).map { g.columnsInside(kernelColumn: $0) }
    return Tensor(shape: [input.shape[0], input.shape[1], outH, outW]) { y in
      input.data.withUnsafeBufferPointer { x in
        columnTaps.withUnsafeBufferPointer { columnTaps in
          let x = x.baseAddress!
          ComputeThreads.forEach(planes) { plane in
            let source = x + plane * inH * inW
            let out = y + plane * outH * outW
            let arg = argmax.map { $0 + plane * outH * outW }
            // Without argmax, a plane without NaN takes the row-wise loop.
            if arg == nil
              && maximumRows(source, geometry: g, insideColumns: insideColumns, into: out)
            {
              // Windows without taps kept the running maximum's start, -inf.
              if emptyWindowValue != -.infinity {
                for oy in 0..<outH {
                  for ox in 0..<outW where g.rowTaps(oy).isEmpty || columnTaps[ox].isEmpty {
                    out[oy * outW + ox] = emptyWindowValue
                  }
                }
              }
              return
            }
            if isPlainHalving {
              // Fast path for the common 2x2 / stride 2 pool: same order and tie rule, the
              // larger value chosen with selects; a window that read a NaN is redone exactly.
              for oy in 0..<outH {
                for ox in 0..<outW {
                  let first = 2 &* oy &* inW &+ 2 &* ox
                  var bestIndex = first
                  var best = source[first]
                  var hasNaN = best.isNaN
                  for step in 1...3 {
                    // right, below, below-right
                    let candidate = first &+ (step & 1) &+ (step >> 1) &* inW
                    let value = source[candidate]
                    let isLarger = value > best
                    bestIndex = isLarger ? candidate : bestIndex
                    best = isLarger ? value : best
                    if value.isNaN { hasNaN = true }
                  }
                  if hasNaN {
                    (best, bestIndex) = (source[first], first)
                    for step in 1...3 {
                      let candidate = first &+ (step & 1) &+ (step >> 1) &* inW
                      if source[candidate] > best || source[candidate].isNaN {
                        (best, bestIndex) = (source[candidate], candidate)
                      }
                    }
                  }
                  out[oy &* outW &+ ox] = best
                  arg?[oy &* outW &+ ox] = Int32(truncatingIfNeeded: bestIndex)
                }
              }
              return
            }
            for oy in 0..<outH {
              let y0 = oy &* g.strideHeight &- g.padding.top
              let rows = g.rowTaps(oy)
              for ox in 0..<outW {
                let columns = columnTaps[ox]
                guard !rows.isEmpty && !columns.isEmpty else {
                  out[oy * outW + ox] = emptyWindowValue
                  arg?[oy * outW + ox] = -1
                  continue
                }
                let x0 = ox &* g.strideWidth &- g.padding.left
                // Start from the first tap; a later value wins when larger or NaN. The larger
                // value is chosen with selects (random data would mispredict a branch); a NaN,
                // rare, sends the window through the exact rule again.
                var bestIndex =
                  (y0 &+ rows.lowerBound &* g.dilationHeight) &* inW &+ x0 &+ columns.lowerBound
                  &* g.dilationWidth
                var best = source[bestIndex]
                var hasNaN = false
                for ky in rows {
                  let line = (y0 &+ ky &* g.dilationHeight) &* inW &+ x0
                  for kx in columns {
                    let index = line &+ kx &* g.dilationWidth
                    let value = source[index]
                    let isLarger = value > best
                    bestIndex = isLarger ? index : bestIndex
                    best = isLarger ? value : best
                    if value.isNaN { hasNaN = true }
                  }
                }
                if hasNaN {
                  bestIndex =
                    (y0 &+ rows.lowerBound &* g.dilationHeight) &* inW &+ x0
                    &+ columns.lowerBound &* g.dilationWidth
                  best = source[bestIndex]
                  for ky in rows {
                    let line = (y0 &+ ky &* g.dilationHeight) &* inW &+ x0
                    for kx in columns {
                      let index = line &+ kx &* g.dilationWidth
                      if source[index] > best || source[index].isNaN {
                        best = source[index]
                        bestIndex = index
                      }
                    }
                  }
                }
                out[oy * outW + ox] = best
                arg?[oy * outW + ox] = Int32(truncatingIfNeeded: bestIndex)
              }
            }
          }
        }
      }
    }
  }

  /// Pools one plane row by row, tap by tap, for inference: each output row keeps a running
  /// maximum over the taps in row-major order, so every window sees the same comparisons as
  /// in the window-by-window loop, and the inner loop runs along the row, eight outputs per
  /// SIMD step for strides 1 and 2. Returns false, leaving the plane to the exact loop, when
  /// a NaN was read.
  private static func maximumRows(
    _ source: UnsafePointer<Float>, geometry g: WindowGeometry, insideColumns: [Range<Int>],
    into out: UnsafeMutablePointer<Float>
  ) -> Bool {
    let outW = g.outputWidth, inW = g.inputWidth, strideWidth = g.strideWidth
    var hasNaN = false
    var vectorNaN = SIMDMask<SIMD8<Int32>>(repeating: false)
    for oy in 0..<g.outputHeight {
      let line = out + oy &* outW
      line.update(repeating: -.infinity, count: outW)
      let y0 = oy &* g.strideHeight &- g.padding.top
      for ky in g.rowTaps(oy) {
        let rowStart = (y0 &+ ky &* g.dilationHeight) &* inW
        for kx in 0..<g.kernelWidth {
          let offset = rowStart &+ kx &* g.dilationWidth &- g.padding.left
          var ox = insideColumns[kx].lowerBound
          let end = insideColumns[kx].upperBound
          // Eight outputs read 8 * stride floats; the last of them must be inside the plane's
          // row, (ox + 8) * stride - 1 + offset < rowStart + inW.
          if strideWidth <= 2 {
            while ox &+ 8 <= end && (ox &+ 8) &* strideWidth &+ offset <= rowStart &+ inW {
              let raw = UnsafeRawPointer(source + (ox &* strideWidth &+ offset))
              let values =
                strideWidth == 1
                ? raw.loadUnaligned(as: SIMD8<Float>.self)
                : raw.loadUnaligned(as: SIMD16<Float>.self).evenHalf
              let target = UnsafeMutableRawPointer(line + ox)
              let best = target.loadUnaligned(as: SIMD8<Float>.self)
              target.storeBytes(
                of: best.replacing(with: values, where: values .> best), as: SIMD8<Float>.self)
              vectorNaN = vectorNaN .| (values .!= values)
              ox &+= 8
            }
          }
          while ox < end {
            let value = source[ox &* strideWidth &+ offset]
            line[ox] = value > line[ox] ? value : line[ox]
            if value.isNaN { hasNaN = true }
            ox &+= 1
          }
        }
      }
    }
    return !hasNaN && !any(vectorNaN)
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    precondition(
      savedShape.count == 4 && gradientOutput.count == argmax.count
        && gradientOutput.shape.prefix(2) == savedShape.prefix(2),
      "MaxPool2d.backward: gradient shape \(gradientOutput.shape)")
    var gradientInput = Tensor(zeros: savedShape)
    let planeIn = savedShape[2] * savedShape[3]
    let planes = savedShape[0] * savedShape[1]
    let planeOut = planes == 0 ? 0 : gradientOutput.count / planes
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
