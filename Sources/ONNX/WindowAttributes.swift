import NeuralNet

/// The sliding-window attributes shared by `Conv`, `MaxPool` and `AveragePool`: kernel shape,
/// strides, dilations, explicit pads or `auto_pad`, for 2-D windows over NCHW tensors.
struct WindowAttributes: Sendable {
  enum AutoPad: String, Sendable {
    case notSet = "NOTSET", sameUpper = "SAME_UPPER", sameLower = "SAME_LOWER", valid = "VALID"
  }

  /// `kernel_shape`, or nil for `Conv` (taken from the weight).
  var kernel: SpatialPair?
  var stride: SpatialPair
  var dilation: SpatialPair
  /// Explicit `pads` (begin then end of each axis), used when `autoPad` is `.notSet`.
  var padding: SpatialPadding
  var autoPad: AutoPad
  var ceilMode: Bool

  /// The largest kernel size, stride, dilation or pad read from a file, so that the window
  /// arithmetic (extent `dilation * (kernel - 1) + 1`, padded sizes) cannot overflow.
  static let maximumSize = 1 << 20

  init(_ context: NodeContext, requiresKernel: Bool, allowsCeilMode: Bool) throws {
    func pair(_ name: String) throws -> SpatialPair? {
      guard let values = try context.ints(name) else { return nil }
      guard values.count == 2, values.allSatisfy({ (1...Self.maximumSize).contains($0) }) else {
        throw context.attributeFailure(
          name,
          "is \(values); only 2-D windows with sizes from 1 to \(Self.maximumSize) are supported")
      }
      return SpatialPair(height: values[0], width: values[1])
    }
    kernel = try pair("kernel_shape")
    if requiresKernel && kernel == nil {
      throw context.attributeFailure("kernel_shape", "is missing")
    }
    stride = try pair("strides") ?? SpatialPair(1)
    dilation = try pair("dilations") ?? SpatialPair(1)
    if let pads = try context.ints("pads") {
      guard pads.count == 4, pads.allSatisfy({ (0...Self.maximumSize).contains($0) }) else {
        throw context.attributeFailure(
          "pads", "is \(pads); expected four values from 0 to \(Self.maximumSize)")
      }
      padding = SpatialPadding(top: pads[0], left: pads[1], bottom: pads[2], right: pads[3])
    } else {
      padding = SpatialPadding(0)
    }
    let autoPadName = try context.string("auto_pad", default: "NOTSET")
    guard let autoPad = AutoPad(rawValue: autoPadName) else {
      throw context.attributeFailure(
        "auto_pad", "is \"\(autoPadName)\"; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID")
    }
    self.autoPad = autoPad
    let ceil = try context.int("ceil_mode", default: 0)
    guard ceil == 0 || (allowsCeilMode && ceil == 1) else {
      throw context.attributeFailure("ceil_mode", "is \(ceil)")
    }
    ceilMode = ceil == 1
  }

  /// The padding and output size along one axis for an input size and a kernel size.
  private func axis(
    input: Int, kernel: Int, stride: Int, dilation: Int, explicit: (Int, Int)
  ) throws(PlanningError) -> (begin: Int, end: Int, output: Int) {
    // Window sizes are at most 2^20 (checked on load), so only the input size can push the
    // sums below past Int: one margin check covers them all.
    let extent = dilation * (kernel - 1) + 1
    guard input <= Int.max - 4 * Self.maximumSize * Self.maximumSize else {
      throw PlanningError("the input size \(input) is too large for a window")
    }
    switch autoPad {
    case .sameUpper, .sameLower:
      let output = (input + stride - 1) / stride
      let total = max(0, (output - 1) * stride + extent - input)
      let small = total / 2
      return autoPad == .sameUpper ? (small, total - small, output) : (total - small, small, output)
    case .valid, .notSet:
      let (begin, end) = autoPad == .valid ? (0, 0) : explicit
      let span = input + begin + end - extent
      guard span >= 0 else {
        throw PlanningError(
          "the \(kernel)-tap window (extent \(extent)) is larger than the padded input (\(input + begin + end))"
        )
      }
      var output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
      // In ceil mode the last window must start inside the input or its leading padding.
      if ceilMode && (output - 1) * stride >= input + begin { output -= 1 }
      return (begin, end, output)
    }
  }

  /// The explicit padding and the output height and width for an `[N, C, H, W]` input.
  func resolve(input: [Int], kernel: SpatialPair) throws(PlanningError) -> (
    padding: SpatialPadding, output: SpatialPair
  ) {
    guard input.count == 4 else {
      throw PlanningError(
        "input has shape \(input); only 2-D windows over NCHW tensors are supported")
    }
    let vertical = try axis(
      input: input[2], kernel: kernel.height, stride: stride.height, dilation: dilation.height,
      explicit: (padding.top, padding.bottom))
    let horizontal = try axis(
      input: input[3], kernel: kernel.width, stride: stride.width, dilation: dilation.width,
      explicit: (padding.left, padding.right))
    return (
      SpatialPadding(
        top: vertical.begin, left: horizontal.begin, bottom: vertical.end, right: horizontal.end),
      SpatialPair(height: vertical.output, width: horizontal.output)
    )
  }
}

extension PlannedTensor {
  /// The stride of a window operator's output: this input's stride times the window's; a
  /// planning error when it overflows (a chain of large strides).
  func stride(times step: SpatialPair) throws(PlanningError) -> SpatialPair? {
    guard let stride else { return nil }
    return SpatialPair(
      height: try CheckedShapeArithmetic.multiply(
        stride.height, step.height, "the vertical stride"),
      width: try CheckedShapeArithmetic.multiply(stride.width, step.width, "the horizontal stride"))
  }
}
