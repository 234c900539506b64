/// A 2-D convolution (cross-correlation, like PyTorch's `nn.Conv2d` and ONNX's `Conv`) with
/// per-axis stride and dilation, asymmetric zero padding and channel groups.
///
/// The `C_in` input channels and `C_out` output channels are split into `groups` equal
/// slices; output slice `g` sees only input slice `g`, so the weight is
/// `[C_out, C_in / groups, kH, kW]`. Three forward paths compute the same function:
/// - `groups == 1`: each image is unfolded with im2col into a `[C_in * kH * kW, outH * outW]`
///   matrix, in bands of output rows, and multiplied by the weight with one OpenBLAS `sgemm`
///   per band. A 1x1 kernel with stride 1 and no padding skips im2col: the image already is
///   that matrix.
/// - `1 < groups < C_in`: the same per group, on the group's channel and weight slices.
/// - depthwise (`groups == C_in`, each input channel feeding `C_out / C_in` outputs): a direct
///   SIMD loop over each zero-padded input plane, with no im2col and no BLAS.
///
/// Backward uses the transposed products and col2im, group by group, and a direct loop for
/// depthwise layers. ``referenceForward(_:)`` is a direct seven-loop version kept to test the
/// fast paths.
///
///     var conv = Conv2d(inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1, seed: 1)
///     let y = conv.forward(x)          // [N, 16, H, W]
///     let dx = conv.backward(dy)       // also fills conv.weight.gradient, conv.bias?.gradient
///     let depthwise = Conv2d(
///       inChannels: 32, outChannels: 32, kernelSize: 3, stride: 2, padding: 1, groups: 32,
///       seed: 2)
///
/// Output height: `floor((H + top + bottom - dilation.height * (kH - 1) - 1) / stride.height)
/// + 1`, the width likewise. An asymmetric padding is PyTorch's
/// `F.conv2d(F.pad(x, (left, right, top, bottom)), ...)` and ONNX's `pads`; a window that
/// lies entirely in the padding gives the bias.
///
/// Checked against PyTorch `F.conv2d` (goldens `nn_layers.json` and `conv_pool.json`: groups 2,
/// depthwise, rectangular kernels, per-axis stride and dilation, asymmetric padding) and
/// finite differences; the fast paths against ``referenceForward(_:)`` over a sweep.
///
/// - Complexity: O(N * C_out * (C_in / groups) * kH * kW * outH * outW) time; scratch memory
///   of one band's columns per image and group (none for the 1x1 path, one padded plane per
///   output plane for the depthwise path). ``forward(_:)`` keeps the input for backward;
///   ``output(for:)`` does not.
public struct Conv2d: Layer {
  /// `[C_out, C_in / groups, kH, kW]` (state-dict name `weight`).
  public var weight: Parameter
  /// `[C_out]` (state-dict name `bias`), or nil without bias.
  public var bias: Parameter?
  /// Step between windows, in pixels, per axis. Default: 1.
  public var stride: SpatialPair
  /// Zeros added on each side, in pixels. Default: 0.
  public var padding: SpatialPadding
  /// Spacing between kernel taps, in pixels, per axis. Default: 1.
  public var dilation: SpatialPair
  /// Channel groups; `C_in` and `C_out` are multiples of it. Default: 1.
  public var groups: Int
  /// Whether ``backward(_:)`` computes dLoss/dInput; set false for a first layer fed with
  /// images, which saves a third of its backward time (it then returns zeros). Default: true.
  public var computesInputGradient = true
  private var savedInput: Tensor?

  /// Creates a convolution with a square kernel and Kaiming-uniform weights (PyTorch's
  /// default scheme, `a = sqrt(5)`, so the bound is `1 / sqrt(fanIn)` with
  /// `fanIn = C_in / groups * k * k`), seeded.
  ///
  /// - Parameters:
  ///   - inChannels: input channels, a multiple of `groups`.
  ///   - outChannels: output channels, a multiple of `groups`.
  ///   - kernelSize: square kernel side, in pixels.
  ///   - stride: step between windows on both axes, in pixels. Default: 1.
  ///   - padding: zeros on every side, in pixels. Default: 0.
  ///   - dilation: spacing between taps on both axes, in pixels. Default: 1.
  ///   - groups: channel groups. Default: 1.
  ///   - hasBias: whether the layer adds a bias. Default: true.
  ///   - seed: seed of the weight initialisation; the bias uses `seed &+ 1`.
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, groups: Int = 1, hasBias: Bool = true, seed: UInt64
  ) {
    self.init(
      inChannels: inChannels, outChannels: outChannels, kernelSize: SpatialPair(kernelSize),
      stride: SpatialPair(stride), padding: SpatialPadding(padding),
      dilation: SpatialPair(dilation), groups: groups, hasBias: hasBias, seed: seed)
  }

  /// Creates a convolution with a rectangular kernel and Kaiming-uniform weights (bound
  /// `1 / sqrt(C_in / groups * kH * kW)`, as PyTorch), seeded.
  ///
  /// - Parameters:
  ///   - inChannels: input channels, a multiple of `groups`.
  ///   - outChannels: output channels, a multiple of `groups`.
  ///   - kernelSize: kernel height and width, in pixels.
  ///   - stride: step between windows per axis, in pixels. Default: `SpatialPair(1)`.
  ///   - padding: zeros on each side, in pixels. Default: `SpatialPadding(0)`.
  ///   - dilation: spacing between taps per axis, in pixels. Default: `SpatialPair(1)`.
  ///   - groups: channel groups. Default: 1.
  ///   - hasBias: whether the layer adds a bias. Default: true.
  ///   - seed: seed of the weight initialisation; the bias uses `seed &+ 1`.
  public init(
    inChannels: Int, outChannels: Int, kernelSize: SpatialPair,
    stride: SpatialPair = SpatialPair(1), padding: SpatialPadding = SpatialPadding(0),
    dilation: SpatialPair = SpatialPair(1), groups: Int = 1, hasBias: Bool = true, seed: UInt64
  ) {
    precondition(
      groups >= 1 && inChannels >= 1 && inChannels % groups == 0,
      "Conv2d: \(inChannels) input channels are not a positive multiple of \(groups) groups")
    let shape = [outChannels, inChannels / groups, kernelSize.height, kernelSize.width]
    let fanIn = inChannels / groups * kernelSize.height * kernelSize.width
    let bound = 1 / Float(fanIn).squareRoot()
    let weight = WeightInitialization.uniform(shape: shape, bound: bound, seed: seed)
    let bias =
      hasBias
      ? WeightInitialization.uniform(shape: [outChannels], bound: bound, seed: seed &+ 1) : nil
    self.init(
      weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
      groups: groups)
  }

  /// Creates a convolution from given weights, with the same stride, padding and dilation
  /// on both axes.
  ///
  /// - Parameters:
  ///   - weight: `[C_out, C_in / groups, kH, kW]`.
  ///   - bias: `[C_out]` or nil. Default: nil.
  ///   - stride: step between windows on both axes, in pixels. Default: 1.
  ///   - padding: zeros on every side, in pixels. Default: 0.
  ///   - dilation: spacing between taps on both axes, in pixels. Default: 1.
  ///   - groups: channel groups; `C_out` is a multiple of it. Default: 1.
  public init(
    weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
    groups: Int = 1
  ) {
    self.init(
      weight: weight, bias: bias, stride: SpatialPair(stride), padding: SpatialPadding(padding),
      dilation: SpatialPair(dilation), groups: groups)
  }

  /// Creates a convolution from given weights, with per-axis stride and dilation and a
  /// padding per side (ONNX's `Conv` attributes).
  ///
  /// - Parameters:
  ///   - weight: `[C_out, C_in / groups, kH, kW]`.
  ///   - bias: `[C_out]` or nil. Default: nil.
  ///   - stride: step between windows per axis, in pixels, at least 1.
  ///   - padding: zeros on each side, in pixels, at least 0.
  ///   - dilation: spacing between taps per axis, in pixels, at least 1.
  ///     Default: `SpatialPair(1)`.
  ///   - groups: channel groups; `C_out` is a multiple of it. Default: 1.
  public init(
    weight: Tensor, bias: Tensor? = nil, stride: SpatialPair, padding: SpatialPadding,
    dilation: SpatialPair = SpatialPair(1), groups: Int = 1
  ) {
    precondition(
      weight.rank == 4 && weight.shape.allSatisfy { $0 >= 1 },
      "Conv2d: weight shape \(weight.shape) is not [C_out, C_in / groups, kH, kW]")
    precondition(
      groups >= 1 && weight.shape[0] % groups == 0,
      "Conv2d: \(weight.shape[0]) output channels are not a multiple of \(groups) groups")
    precondition(
      bias == nil || bias!.shape == [weight.shape[0]],
      "Conv2d: bias shape \(bias?.shape ?? []) does not match \(weight.shape[0]) outputs")
    precondition(
      min(stride.height, stride.width) >= 1 && padding.isNonNegative
        && min(dilation.height, dilation.width) >= 1,
      "Conv2d: stride \(stride), padding \(padding), dilation \(dilation)")
    self.weight = Parameter(weight)
    self.bias = bias.map(Parameter.init)
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
  }

  var inChannels: Int { weight.value.shape[1] * groups }
  var outChannels: Int { weight.value.shape[0] }

  func geometry(for input: Tensor) -> WindowGeometry {
    precondition(
      groups >= 1 && weight.value.shape[0] % groups == 0,
      "Conv2d: \(weight.value.shape[0]) output channels are not a multiple of \(groups) groups")
    precondition(
      input.rank == 4 && input.shape[1] == inChannels,
      "Conv2d: input \(input.shape) does not have \(inChannels) channels in NCHW")
    let g = WindowGeometry(
      kernel: SpatialPair(height: weight.value.shape[2], width: weight.value.shape[3]),
      stride: stride, padding: padding, dilation: dilation, inputHeight: input.shape[2],
      inputWidth: input.shape[3])
    precondition(
      g.isWellFormed, "Conv2d: stride \(stride), padding \(padding), dilation \(dilation)")
    precondition(
      g.outputHeight > 0 && g.outputWidth > 0,
      "Conv2d: input \(input.shape) with padding \(padding) is smaller than the kernel")
    return g
  }

  /// Whether a kernel needs no im2col: 1x1, stride 1, no padding (the image is the matrix).
  static func readsImageAsColumns(_ g: WindowGeometry) -> Bool {
    g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
      && g.padding == SpatialPadding(0)
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    savedInput = input
    return output(for: input)
  }

  /// The convolution of `input`, for inference: the same values as ``forward(_:)``, but
  /// nothing is cached for ``backward(_:)``.
  ///
  /// - Parameter input: `[N, C_in, H, W]`.
  /// - Returns: `[N, C_out, outH, outW]`.
  public func output(for input: Tensor) -> Tensor {
    Self.forward(
      input, weight: weight.value, bias: bias?.value, groups: groups,
      geometry: geometry(for: input))
  }

  static func forward(
    _ input: Tensor, weight: Tensor, bias: Tensor?, groups: Int, geometry g: WindowGeometry
  ) -> Tensor {
    if weight.shape[1] == 1 && groups > 1 {
      return depthwiseForward(input, weight: weight, bias: bias, geometry: g)
    }
    return im2colForward(
      input, weight: weight, bias: bias, groups: groups, geometry: g,
      readsImageAsColumns: readsImageAsColumns(g))
  }

  /// The depthwise path (`C_in / groups == 1`): one work item per output plane, each writing
  /// only its plane.
  static func depthwiseForward(
    _ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: WindowGeometry
  ) -> Tensor {
    let batch = input.shape[0], cOut = weight.shape[0], cIn = input.shape[1]
    let spatial = g.outputHeight * g.outputWidth
    let planeIn = cIn * g.inputHeight * g.inputWidth
    let taps = g.kernelHeight * g.kernelWidth
    let multiplier = cOut / cIn
    let kernel = DepthwiseConvolution(geometry: g)
    return Tensor(shape: [batch, cOut, g.outputHeight, g.outputWidth]) { y in
      input.data.withUnsafeBufferPointer { x in
        weight.data.withUnsafeBufferPointer { w in
          let (x, w) = (x.baseAddress!, w.baseAddress!)
          ComputeThreads.forEach(batch * cOut) { item in
            let n = item / cOut, o = item % cOut
            kernel.plane(
              x + n * planeIn, filter: w + o * taps, bias: bias?.data[o] ?? 0,
              inputChannel: o / multiplier, into: y + item * spatial)
          }
        }
      }
    }
  }

  /// Output rows per im2col + `sgemm` band: about 384 output positions, in equal bands.
  ///
  /// On a 2-core AMD EPYC (AVX-512) with OpenBLAS 0.3.21, `sgemm` of a 64 x 576 weight by
  /// 576 x n columns runs at about 81 GFLOPS for n = 3136 (a 56 x 56 plane) and 93–97 for
  /// n = 256–512, because a band's columns stay in the L2 cache (ResNet-18 in
  /// `Docs/onnx.md`). Small planes stay whole.
  static func bandRows(_ g: WindowGeometry) -> Int {
    let spatial = g.outputHeight * g.outputWidth
    let bands = max(1, (spatial + 192) / 384)
    return (g.outputHeight + bands - 1) / bands
  }

  /// The im2col + `sgemm` path, one product per image and group (one work item each); with
  /// `readsImageAsColumns` the image slice itself is the column matrix.
  static func im2colForward(
    _ input: Tensor, weight: Tensor, bias: Tensor?, groups: Int, geometry g: WindowGeometry,
    readsImageAsColumns direct: Bool
  ) -> Tensor {
    let batch = input.shape[0], cOut = weight.shape[0], cInGroup = weight.shape[1]
    let cOutGroup = cOut / groups
    let spatial = g.outputHeight * g.outputWidth
    let plane = g.inputHeight * g.inputWidth
    let planeIn = cInGroup * groups * plane
    let k = cInGroup * g.kernelHeight * g.kernelWidth
    var output = Tensor(zeros: [batch, cOut, g.outputHeight, g.outputWidth])
    input.data.withUnsafeBufferPointer { x in
      weight.data.withUnsafeBufferPointer { w in
        output.data.withUnsafeMutableBufferPointer { y in
          let (x, w, y) = (x.baseAddress!, w.baseAddress!, y.baseAddress!)
          ComputeThreads.forEach(batch * groups) { item in
            let n = item / groups, group = item % groups
            let out = y + (n * cOut + group * cOutGroup) * spatial
            if let bias {
              for o in 0..<cOutGroup {
                (out + o * spatial).update(
                  repeating: bias.data[group * cOutGroup + o], count: spatial)
              }
            }
            let image = x + n * planeIn + group * cInGroup * plane
            // Bands of output rows, so each band's columns stay in cache while sgemm reads them.
            let bandRows = Self.bandRows(g)
            let bandSize = bandRows * g.outputWidth
            let columns =
              direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * bandSize)
            defer { columns?.deallocate() }
            for firstRow in Swift.stride(from: 0, to: g.outputHeight, by: bandRows) {
              let rows = firstRow..<min(firstRow + bandRows, g.outputHeight)
              let start = rows.lowerBound * g.outputWidth, width = rows.count * g.outputWidth
              if let columns {
                im2col(image, channels: cInGroup, geometry: g, outputRows: rows, into: columns)
              }
              matrixMultiply(
                transposeA: false, transposeB: false, m: cOutGroup, n: width, k: k,
                a: w + group * cOutGroup * k, lda: k,
                b: columns.map { UnsafePointer($0) } ?? image + start,
                ldb: columns == nil ? spatial : width,
                beta: bias == nil ? 0 : 1, c: out + start, ldc: spatial)
            }
          }
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else {
      preconditionFailure("Conv2d.backward called before forward")
    }
    let g = geometry(for: input)
    let batch = input.shape[0], cOut = outChannels, cInGroup = weight.value.shape[1]
    let groups = groups, cOutGroup = cOut / groups
    precondition(
      gradientOutput.shape == [batch, cOut, g.outputHeight, g.outputWidth],
      "Conv2d.backward: gradient shape \(gradientOutput.shape)")
    let k = cInGroup * g.kernelHeight * g.kernelWidth
    let spatial = g.outputHeight * g.outputWidth
    let planeIn = cInGroup * groups * g.inputHeight * g.inputWidth
    let groupIn = cInGroup * g.inputHeight * g.inputWidth
    let weightCount = cOut * k
    let direct = Self.readsImageAsColumns(g)
    let computesInputGradient = computesInputGradient
    var gradientInput = Tensor(zeros: input.shape)
    // Per-image weight gradients, summed over the batch in image order afterwards.
    var imageWeightGradients = [Float](repeating: 0, count: batch * weightCount)
    if cInGroup == 1 && groups > 1 {
      // Depthwise: one item per image and input channel (which owns its input gradient).
      let kernel = DepthwiseConvolution(geometry: g), multiplier = cOutGroup
      let planeOut = cOut * spatial
      input.data.withUnsafeBufferPointer { x in
        weight.value.data.withUnsafeBufferPointer { w in
          gradientOutput.data.withUnsafeBufferPointer { dy in
            gradientInput.data.withUnsafeMutableBufferPointer { dx in
              imageWeightGradients.withUnsafeMutableBufferPointer { dwImages in
                let (x, w, dy) = (x.baseAddress!, w.baseAddress!, dy.baseAddress!)
                let (dx, dwImages) = (dx.baseAddress!, dwImages.baseAddress!)
                ComputeThreads.forEach(batch * groups) { item in
                  let n = item / groups, channel = item % groups
                  kernel.backward(
                    x + n * planeIn, gradientOutput: dy + n * planeOut, weight: w,
                    inputChannel: channel, multiplier: multiplier,
                    weightGradient: dwImages + n * weightCount,
                    inputGradient: computesInputGradient ? dx + n * planeIn : nil)
                }
              }
            }
          }
        }
      }
    } else {
      input.data.withUnsafeBufferPointer { x in
        weight.value.data.withUnsafeBufferPointer { w in
          gradientOutput.data.withUnsafeBufferPointer { dy in
            gradientInput.data.withUnsafeMutableBufferPointer { dx in
              imageWeightGradients.withUnsafeMutableBufferPointer { dwImages in
                let (x, w, dy) = (x.baseAddress!, w.baseAddress!, dy.baseAddress!)
                let (dx, dwImages) = (dx.baseAddress!, dwImages.baseAddress!)
                ComputeThreads.forEach(batch) { n in
                  let columns =
                    direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * spatial)
                  defer { columns?.deallocate() }
                  for group in 0..<groups {
                    let dyGroup = dy + (n * cOut + group * cOutGroup) * spatial
                    let image = x + n * planeIn + group * groupIn
                    let dxGroup = dx + n * planeIn + group * groupIn
                    let wGroup = w + group * cOutGroup * k
                    if let columns { im2col(image, channels: cInGroup, geometry: g, into: columns) }
                    // dW_g = dY_g [cOutGroup, spatial] * col^T [spatial, k]
                    matrixMultiply(
                      transposeA: false, transposeB: true, m: cOutGroup, n: k, k: spatial,
                      a: dyGroup, lda: spatial, b: columns.map { UnsafePointer($0) } ?? image,
                      ldb: spatial, beta: 0, c: dwImages + n * weightCount + group * cOutGroup * k,
                      ldc: k)
                    guard computesInputGradient else { continue }
                    // dcol = W_g^T [k, cOutGroup] * dY_g [cOutGroup, spatial]; without im2col
                    // the product is the input gradient itself.
                    matrixMultiply(
                      transposeA: true, transposeB: false, m: k, n: spatial, k: cOutGroup,
                      a: wGroup, lda: k, b: dyGroup, ldb: spatial, beta: 0, c: columns ?? dxGroup,
                      ldc: spatial)
                    if let columns {
                      col2im(columns, channels: cInGroup, geometry: g, addingInto: dxGroup)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    weight.gradient.data.withUnsafeMutableBufferPointer { dw in
      imageWeightGradients.withUnsafeBufferPointer { dwImages in
        for n in 0..<batch {
          for index in 0..<weightCount { dw[index] += dwImages[n * weightCount + index] }
        }
      }
    }
    if var biasParameter = bias {
      gradientOutput.data.withUnsafeBufferPointer { dy in
        biasParameter.gradient.data.withUnsafeMutableBufferPointer { db in
          for n in 0..<batch {
            for o in 0..<cOut {
              var sum: Float = 0
              let line = dy.baseAddress! + (n * cOut + o) * spatial
              for index in 0..<spatial { sum += line[index] }
              db[o] += sum
            }
          }
        }
      }
      bias = biasParameter
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

  /// The direct convolution (seven loops, Double sums; no im2col, no BLAS), for testing the
  /// fast paths.
  ///
  /// - Parameter input: `[N, C_in, H, W]`.
  /// - Returns: the same output as ``forward(_:)`` up to float rounding.
  public func referenceForward(_ input: Tensor) -> Tensor {
    let g = geometry(for: input)
    let batch = input.shape[0], cOut = outChannels, cInGroup = weight.value.shape[1]
    let cOutGroup = cOut / groups
    var output = Tensor(zeros: [batch, cOut, g.outputHeight, g.outputWidth])
    for n in 0..<batch {
      for o in 0..<cOut {
        let firstChannel = (o / cOutGroup) * cInGroup
        for oy in 0..<g.outputHeight {
          for ox in 0..<g.outputWidth {
            var sum = Double(bias?.value.data[o] ?? 0)
            for c in 0..<cInGroup {
              for ky in 0..<g.kernelHeight {
                let y = oy * stride.height - padding.top + ky * dilation.height
                if y < 0 || y >= g.inputHeight { continue }
                for kx in 0..<g.kernelWidth {
                  let x = ox * stride.width - padding.left + kx * dilation.width
                  if x < 0 || x >= g.inputWidth { continue }
                  sum +=
                    Double(input[n, firstChannel + c, y, x]) * Double(weight.value[o, c, ky, kx])
                }
              }
            }
            output[n, o, oy, ox] = Float(sum)
          }
        }
      }
    }
    return output
  }
}
