/// The geometry of a 2-D sliding window (convolution or pooling) over an `H x W` plane.
///
/// Window `(oy, ox)` puts its tap `(ky, kx)` on input pixel
/// `(oy * strideHeight - padding.top + ky * dilationHeight,
///   ox * strideWidth - padding.left + kx * dilationWidth)`; taps outside the plane read the
/// padding value.
///
/// Output size along an axis of `n` pixels, with padding `a` before and `b` after, kernel `k`,
/// stride `s` and dilation `d` (PyTorch's `pooling_output_shape`, ONNX's `ceil_mode`):
/// - floor mode: `floor((n + a + b - d * (k - 1) - 1) / s) + 1`;
/// - ceil mode: `ceil((n + a + b - d * (k - 1) - 1) / s) + 1`, less one when the last window
///   would start at or past `n + a` (inside the bottom or right padding), so every window
///   starts inside the input or its top or left padding.
struct WindowGeometry: Sendable, Equatable {
  let kernelHeight: Int, kernelWidth: Int
  let strideHeight: Int, strideWidth: Int
  let padding: SpatialPadding
  let dilationHeight: Int, dilationWidth: Int
  let inputHeight: Int, inputWidth: Int
  /// Windows along the rows; 0 or less when the padded input is smaller than one window.
  let outputHeight: Int
  /// Windows along the columns; 0 or less when the padded input is smaller than one window.
  let outputWidth: Int

  init(
    kernel: SpatialPair, stride: SpatialPair, padding: SpatialPadding,
    dilation: SpatialPair = SpatialPair(1), inputHeight: Int, inputWidth: Int,
    ceilMode: Bool = false
  ) {
    kernelHeight = kernel.height
    kernelWidth = kernel.width
    strideHeight = stride.height
    strideWidth = stride.width
    self.padding = padding
    dilationHeight = dilation.height
    dilationWidth = dilation.width
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    outputHeight = Self.outputSize(
      input: inputHeight, kernel: kernel.height, stride: stride.height, before: padding.top,
      after: padding.bottom, dilation: dilation.height, ceilMode: ceilMode)
    outputWidth = Self.outputSize(
      input: inputWidth, kernel: kernel.width, stride: stride.width, before: padding.left,
      after: padding.right, dilation: dilation.width, ceilMode: ceilMode)
  }

  /// Whether kernel, stride and dilation are at least 1 and every padding at least 0.
  var isWellFormed: Bool {
    min(kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth) >= 1
      && padding.isNonNegative
  }

  /// Whether every padding is smaller than the kernel extent `dilation * (k - 1) + 1` of its
  /// axis, which pooling requires (each window then overlaps the input).
  var padsWithinKernelExtent: Bool {
    let extentHeight = dilationHeight * (kernelHeight - 1) + 1
    let extentWidth = dilationWidth * (kernelWidth - 1) + 1
    return max(padding.top, padding.bottom) < extentHeight
      && max(padding.left, padding.right) < extentWidth
  }

  /// The number of windows along one axis (see the type's documentation).
  static func outputSize(
    input: Int, kernel: Int, stride: Int, before: Int, after: Int, dilation: Int, ceilMode: Bool
  ) -> Int {
    let span = input + before + after - dilation * (kernel - 1) - 1
    // An ill-formed window (checked by the layers through isWellFormed) has no output.
    guard span >= 0 && stride >= 1 else { return 0 }
    guard ceilMode else { return span / stride + 1 }
    var count = (span + stride - 1) / stride + 1
    if (count - 1) * stride >= input + before { count -= 1 }
    return count
  }

  /// The outputs `o` in `0..<outputs` whose tap `o * stride + offset` lies in `0..<extent`
  /// (an empty range when none does).
  @inline(__always)
  static func insideOutputs(offset: Int, stride: Int, extent: Int, outputs: Int) -> Range<Int> {
    let lower = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let last = extent - 1 - offset
    let upper = last < 0 ? 0 : min(outputs, last / stride + 1)
    return lower < upper ? lower..<upper : 0..<0
  }

  /// The taps `t` in `0..<kernel` whose pixel `start + t * dilation` lies in `0..<extent`.
  @inline(__always)
  static func insideTaps(start: Int, kernel: Int, dilation: Int, extent: Int) -> Range<Int> {
    insideOutputs(offset: start, stride: dilation, extent: extent, outputs: kernel)
  }

  /// The kernel rows of output row `oy` that fall inside the input.
  @inline(__always)
  func rowTaps(_ oy: Int) -> Range<Int> {
    Self.insideTaps(
      start: oy * strideHeight - padding.top, kernel: kernelHeight, dilation: dilationHeight,
      extent: inputHeight)
  }

  /// The kernel columns of output column `ox` that fall inside the input.
  @inline(__always)
  func columnTaps(_ ox: Int) -> Range<Int> {
    Self.insideTaps(
      start: ox * strideWidth - padding.left, kernel: kernelWidth, dilation: dilationWidth,
      extent: inputWidth)
  }

  /// The output columns whose kernel column `kx` falls inside the input.
  @inline(__always)
  func columnsInside(kernelColumn kx: Int) -> Range<Int> {
    Self.insideOutputs(
      offset: kx * dilationWidth - padding.left, stride: strideWidth, extent: inputWidth,
      outputs: outputWidth)
  }

  /// The output rows whose kernel row `ky` falls inside the input.
  @inline(__always)
  func rowsInside(kernelRow ky: Int) -> Range<Int> {
    Self.insideOutputs(
      offset: ky * dilationHeight - padding.top, stride: strideHeight, extent: inputHeight,
      outputs: outputHeight)
  }
}
