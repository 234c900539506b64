import NeuralNet

/// `MaxPool` and `AveragePool` over 2-D windows (NeuralNet's ``MaxPool2d`` and
/// ``AvgPool2d``): rectangular kernels, strides, explicit or automatic padding, `ceil_mode`,
/// `count_include_pad` (AveragePool; default 0 as in ONNX), dilations (MaxPool).
struct PoolOperator: ONNXOperator {
  var window: WindowAttributes
  var isMax: Bool
  var countIncludesPadding: Bool

  init(_ context: NodeContext) throws {
    isMax = context.op == "MaxPool"
    try context.expectInputs(1...1)
    window = try WindowAttributes(context, requiresKernel: true, allowsCeilMode: true)
    countIncludesPadding = try context.int("count_include_pad", default: 0) != 0
    if isMax {
      if context.node.outputs.count > 1 && !context.node.outputs[1].isEmpty {
        throw context.failure("its Indices output is not supported")
      }
      try context.refuseAttribute("storage_order") { $0.int == 0 }
    } else if window.dilation != SpatialPair(1) {
      throw context.attributeFailure(
        "dilations", "is not 1; dilated average pooling is not supported")
    }
    // As in onnxruntime, a pad must be smaller than the window (`auto_pad` pads always are).
    if let kernel = window.kernel {
      let extent = SpatialPair(
        height: window.dilation.height * (kernel.height - 1) + 1,
        width: window.dilation.width * (kernel.width - 1) + 1)
      let pads = window.padding
      guard max(pads.top, pads.bottom) < extent.height, max(pads.left, pads.right) < extent.width
      else {
        throw context.attributeFailure(
          "pads",
          "is [\(pads.top), \(pads.left), \(pads.bottom), \(pads.right)]; each pad must be "
            + "smaller than the window, \(extent.height)x\(extent.width)")
      }
    }
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    let kernel = window.kernel!
    let (padding, size) = try window.resolve(input: input.shape, kernel: kernel)
    let shape = [input.shape[0], input.shape[1], size.height, size.width]
    _ = try CheckedShapeArithmetic.elementCount(shape, "the output shape")
    let run: @Sendable (Tensor) -> Tensor
    if isMax {
      var layer = MaxPool2d(
        kernelSize: kernel, stride: window.stride, padding: padding, dilation: window.dilation,
        ceilMode: window.ceilMode)
      // A window wholly in the padding gives the lowest finite value, as in onnxruntime.
      layer.emptyWindowValue = -.greatestFiniteMagnitude
      let maxPool = layer
      run = { maxPool.output(for: $0) }
    } else {
      let layer = AvgPool2d(
        kernelSize: kernel, stride: window.stride, padding: padding, ceilMode: window.ceilMode,
        countIncludesPadding: countIncludesPadding)
      run = { layer.output(for: $0) }
    }
    return .kernel(outputs: [
      PlannedOutput(shape: shape, stride: try input.stride(times: window.stride))
    ]) { values in
      let value = values.take(0)
      let output = run(Tensor(shape: value.shape, data: value.takeFloats()))
      precondition(
        output.shape == shape, "PoolOperator: planned \(shape), computed \(output.shape)")
      return [GraphValue(shape: output.shape, floats: output.data)]
    }
  }
}

/// `GlobalAveragePool` and `GlobalMaxPool`: one value per channel (`[N, C, 1, 1]`), the mean
/// summed in Double.
struct GlobalPoolOperator: ONNXOperator {
  var isMax: Bool

  init(_ context: NodeContext) throws {
    isMax = context.op == "GlobalMaxPool"
    try context.expectInputs(1...1)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let input = inputs.required(0)
    guard input.rank >= 3 else {
      throw PlanningError("input has shape \(input.shape); expected N, C and spatial axes")
    }
    let planes = input.shape[0] * input.shape[1]
    let planeSize = input.shape.dropFirst(2).reduce(1, *)
    guard planeSize > 0 else {
      throw PlanningError("input \(input.shape) has an empty spatial extent")
    }
    let shape = Array(input.shape.prefix(2)) + [Int](repeating: 1, count: input.rank - 2)
    let isMax = isMax
    return .kernel(outputs: [PlannedOutput(shape: shape)]) { values in
      let data = values.take(0).takeFloats()
      var output = [Float](repeating: 0, count: planes)
      data.withUnsafeBufferPointer { x in
        for plane in 0..<planes {
          let values = x[(plane * planeSize)..<((plane + 1) * planeSize)]
          if isMax {
            output[plane] = values.max()!
          } else {
            output[plane] = Float(values.reduce(0.0) { $0 + Double($1) } / Double(planeSize))
          }
        }
      }
      return [GraphValue(shape: shape, floats: output)]
    }
  }
}
