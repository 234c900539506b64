import NeuralNet

/// `Conv` on NCHW tensors (2-D): groups (depthwise included), strides, dilations, explicit or
/// automatic padding, rectangular kernels, with a constant weight and optional bias. Runs on
/// NeuralNet's ``Conv2d``, or on ``WinogradConvolution`` for 3x3 stride-1 convolutions of
/// planes large enough for it to pay.
struct ConvOperator: ONNXOperator {
  var window: WindowAttributes
  var groups: Int

  init(_ context: NodeContext) throws {
    try context.expectInputs(2...3)
    window = try WindowAttributes(context, requiresKernel: false, allowsCeilMode: false)
    groups = try context.int("group", default: 1)
    guard groups >= 1 else { throw context.attributeFailure("group", "is \(groups)") }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    guard let weight = try inputs.constant(1, "weight") else {
      throw PlanningError("has no weight")
    }
    let bias = try inputs.constant(2, "bias")
    guard weight.shape.count == 4, input.rank == 4 else {
      throw PlanningError(
        "input \(input.shape) and weight \(weight.shape): only 2-D convolutions (NCHW, 4-D weight) are supported"
      )
    }
    let kernel = SpatialPair(height: weight.shape[2], width: weight.shape[3])
    if let declared = window.kernel, declared != kernel {
      throw PlanningError("kernel_shape \(declared) does not match the weight's \(weight.shape)")
    }
    let outChannels = weight.shape[0]
    let groupChannels = weight.shape[1].multipliedReportingOverflow(by: groups)
    guard !groupChannels.overflow, groupChannels.partialValue == input.shape[1],
      outChannels % groups == 0
    else {
      throw PlanningError(
        "input has \(input.shape[1]) channels; weight \(weight.shape) with \(groups) group(s) needs \(groupChannels.overflow ? "more than \(Int.max)" : "\(groupChannels.partialValue)") and output channels divisible by the groups"
      )
    }
    if let bias, bias.shape != [outChannels] {
      throw PlanningError("bias shape \(bias.shape) does not match \(outChannels) output channels")
    }
    let (padding, size) = try window.resolve(input: input.shape, kernel: kernel)
    let shape = [input.shape[0], outChannels, size.height, size.width]
    _ = try CheckedShapeArithmetic.elementCount(shape, "the output shape")
    let weightTensor = Tensor(shape: weight.shape, data: weight.floats)
    let biasTensor = bias.map { Tensor(shape: $0.shape, data: $0.floats) }
    let run: @Sendable (Tensor) -> Tensor
    if WinogradConvolution.applies(
      weightShape: weight.shape, stride: window.stride, dilation: window.dilation, groups: groups,
      outputPositions: size.height * size.width)
    {
      let fast = WinogradConvolution(weight: weightTensor, bias: biasTensor, padding: padding)
      run = { fast.output(for: $0) }
    } else {
      let layer = Conv2d(
        weight: weightTensor, bias: biasTensor, stride: window.stride, padding: padding,
        dilation: window.dilation, groups: groups)
      run = { layer.output(for: $0) }
    }
    return .kernel(outputs: [
      PlannedOutput(shape: shape, stride: try input.stride(times: window.stride))
    ]) { values in
      let value = values.take(0)
      let output = run(Tensor(shape: value.shape, data: value.takeFloats()))
      return [GraphValue(shape: output.shape, floats: output.data)]
    }
  }
}
