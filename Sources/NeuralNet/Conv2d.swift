/// A 2-D convolution (cross-correlation, like PyTorch's `nn.Conv2d`) with stride, zero
/// padding and dilation.
///
/// Each image is unfolded with im2col into a `[C_in * kH * kW, outH * outW]` matrix and
/// multiplied by the weight `[C_out, C_in * kH * kW]` with OpenBLAS `sgemm`; backward uses
/// the transposed products and col2im. ``referenceForward(_:)`` is a direct seven-loop
/// version kept to test the fast path.
///
///     var conv = Conv2d(inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1, seed: 1)
///     let y = conv.forward(x)          // [N, 16, H, W]
///     let dx = conv.backward(dy)       // also fills conv.weight.gradient, conv.bias?.gradient
///
/// Output size: `floor((H + 2 * padding - dilation * (k - 1) - 1) / stride) + 1`.
/// Checked against PyTorch `F.conv2d` (goldens `nn_layers.json`) and finite differences.
///
/// - Complexity: O(N * C_out * C_in * k² * outH * outW) time; O(C_in * k² * outH * outW)
///   scratch memory per image. The input is kept for backward.
public struct Conv2d: Layer {
  /// `[C_out, C_in, kH, kW]` (state-dict name `weight`).
  public var weight: Parameter
  /// `[C_out]` (state-dict name `bias`), or nil without bias.
  public var bias: Parameter?
  /// Step between windows, in pixels. Default: 1.
  public var stride: Int
  /// Zeros added on each side, in pixels. Default: 0.
  public var padding: Int
  /// Spacing between kernel taps, in pixels. Default: 1.
  public var dilation: Int
  /// Whether ``backward(_:)`` computes dLoss/dInput; set false for a first layer fed with
  /// images, which saves a third of its backward time (it then returns zeros). Default: true.
  public var computesInputGradient = true
  private var savedInput: Tensor?

  /// Creates a convolution with Kaiming-uniform weights (PyTorch's default scheme,
  /// `a = sqrt(5)`, so the bound is `1 / sqrt(fanIn)`), seeded.
  ///
  /// - Parameters:
  ///   - inChannels: input channels.
  ///   - outChannels: output channels.
  ///   - kernelSize: square kernel side, in pixels.
  ///   - stride: Default: 1.
  ///   - padding: Default: 0.
  ///   - dilation: Default: 1.
  ///   - hasBias: Default: true.
  ///   - seed: seed of the weight and bias initialisation.
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, hasBias: Bool = true, seed: UInt64
  ) {
    let shape = [outChannels, inChannels, kernelSize, kernelSize]
    let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
    let weight = WeightInitialization.uniform(shape: shape, bound: bound, seed: seed)
    let bias = hasBias ? WeightInitialization.uniform(shape: [outChannels], bound: bound, seed: seed &+ 1) : nil
    self.init(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
  }

  /// Creates a convolution from given weights.
  ///
  /// - Parameters:
  ///   - weight: `[C_out, C_in, kH, kW]`.
  ///   - bias: `[C_out]` or nil. Default: nil.
  ///   - stride: Default: 1.
  ///   - padding: Default: 0.
  ///   - dilation: Default: 1.
  public init(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1) {
    precondition(weight.rank == 4, "Conv2d: weight shape \(weight.shape) is not [C_out, C_in, kH, kW]")
    precondition(bias == nil || bias!.shape == [weight.shape[0]], "Conv2d: bias shape does not match \(weight.shape[0]) outputs")
    precondition(stride >= 1 && padding >= 0 && dilation >= 1, "Conv2d: stride \(stride), padding \(padding), dilation \(dilation)")
    self.weight = Parameter(weight)
    self.bias = bias.map(Parameter.init)
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
  }

  var inChannels: Int { weight.value.shape[1] }
  var outChannels: Int { weight.value.shape[0] }

  func geometry(for input: Tensor) -> WindowGeometry {
    precondition(input.rank == 4 && input.shape[1] == inChannels, "Conv2d: input \(input.shape) does not have \(inChannels) channels in NCHW")
    let g = WindowGeometry(
      kernelHeight: weight.value.shape[2], kernelWidth: weight.value.shape[3], stride: stride,
      padding: padding, dilation: dilation, inputHeight: input.shape[2], inputWidth: input.shape[3])
    precondition(g.outputHeight > 0 && g.outputWidth > 0, "Conv2d: input \(input.shape) is smaller than the kernel")
    return g
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    savedInput = input
    return Self.forward(input, weight: weight.value, bias: bias?.value, geometry: geometry(for: input))
  }

  static func forward(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: WindowGeometry) -> Tensor {
    let batch = input.shape[0], cIn = weight.shape[1], cOut = weight.shape[0]
    let k = cIn * g.kernelHeight * g.kernelWidth
    let spatial = g.outputHeight * g.outputWidth
    let planeIn = cIn * g.inputHeight * g.inputWidth
    var output = Tensor(zeros: [batch, cOut, g.outputHeight, g.outputWidth])
    input.data.withUnsafeBufferPointer { x in
      weight.data.withUnsafeBufferPointer { w in
        output.data.withUnsafeMutableBufferPointer { y in
          let (x, w, y) = (x.baseAddress!, w.baseAddress!, y.baseAddress!)
          ComputeThreads.forEach(batch) { n in
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: k * spatial)
            defer { columns.deallocate() }
            let out = y + n * cOut * spatial
            if let bias {
              for o in 0..<cOut {
                let value = bias.data[o]
                for index in 0..<spatial { out[o * spatial + index] = value }
              }
            }
            im2col(x + n * planeIn, channels: cIn, geometry: g, into: columns)
            matrixMultiply(
              transposeA: false, transposeB: false, m: cOut, n: spatial, k: k,
              a: w, lda: k, b: columns, ldb: spatial, beta: bias == nil ? 0 : 1, c: out, ldc: spatial)
          }
        }
      }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else { preconditionFailure("Conv2d.backward called before forward") }
    let g = geometry(for: input)
    let batch = input.shape[0], cIn = inChannels, cOut = outChannels
    precondition(gradientOutput.shape == [batch, cOut, g.outputHeight, g.outputWidth], "Conv2d.backward: gradient shape \(gradientOutput.shape)")
    let k = cIn * g.kernelHeight * g.kernelWidth
    let spatial = g.outputHeight * g.outputWidth
    let planeIn = cIn * g.inputHeight * g.inputWidth
    let weightCount = cOut * k
    var gradientInput = Tensor(zeros: input.shape)
    // Per-image weight gradients, summed over the batch in image order afterwards.
    var imageWeightGradients = [Float](repeating: 0, count: batch * weightCount)
    input.data.withUnsafeBufferPointer { x in
      weight.value.data.withUnsafeBufferPointer { w in
        gradientOutput.data.withUnsafeBufferPointer { dy in
          gradientInput.data.withUnsafeMutableBufferPointer { dx in
            imageWeightGradients.withUnsafeMutableBufferPointer { dwImages in
              let (x, w, dy, dx, dwImages) = (x.baseAddress!, w.baseAddress!, dy.baseAddress!, dx.baseAddress!, dwImages.baseAddress!)
              ComputeThreads.forEach(batch) { n in
                let columns = UnsafeMutablePointer<Float>.allocate(capacity: k * spatial)
                defer { columns.deallocate() }
                let dyImage = dy + n * cOut * spatial
                im2col(x + n * planeIn, channels: cIn, geometry: g, into: columns)
                // dW_n = dY_n [cOut, spatial] * col^T [spatial, k]
                matrixMultiply(
                  transposeA: false, transposeB: true, m: cOut, n: k, k: spatial,
                  a: dyImage, lda: spatial, b: columns, ldb: spatial, beta: 0, c: dwImages + n * weightCount, ldc: k)
                guard computesInputGradient else { return }
                // dcol = W^T [k, cOut] * dY_n [cOut, spatial], reusing the column buffer
                matrixMultiply(
                  transposeA: true, transposeB: false, m: k, n: spatial, k: cOut,
                  a: w, lda: k, b: dyImage, ldb: spatial, beta: 0, c: columns, ldc: spatial)
                col2im(columns, channels: cIn, geometry: g, addingInto: dx + n * planeIn)
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

  /// The direct (no im2col, no BLAS) convolution, for testing the fast path.
  ///
  /// - Parameter input: `[N, C_in, H, W]`.
  /// - Returns: the same output as ``forward(_:)`` up to float rounding.
  public func referenceForward(_ input: Tensor) -> Tensor {
    let g = geometry(for: input)
    let batch = input.shape[0], cIn = inChannels, cOut = outChannels
    var output = Tensor(zeros: [batch, cOut, g.outputHeight, g.outputWidth])
    for n in 0..<batch {
      for o in 0..<cOut {
        for oy in 0..<g.outputHeight {
          for ox in 0..<g.outputWidth {
            var sum: Double = Double(bias?.value.data[o] ?? 0)
            for c in 0..<cIn {
              for ky in 0..<g.kernelHeight {
                let y = oy * stride - padding + ky * dilation
                if y < 0 || y >= g.inputHeight { continue }
                for kx in 0..<g.kernelWidth {
                  let x = ox * stride - padding + kx * dilation
                  if x < 0 || x >= g.inputWidth { continue }
                  sum += Double(input[n, c, y, x]) * Double(weight.value[o, c, ky, kx])
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
