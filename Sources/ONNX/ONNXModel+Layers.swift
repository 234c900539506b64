import NeuralNet

extension ONNXModel {
  /// ``shapes(forInputShape:)`` of the tensors `tensor` depends on, for a model with one
  /// input: only the part of the graph up to `tensor` is planned, so a network whose later
  /// layers fix the input size (a `Flatten` into a `Gemm`) still gives the shapes of its
  /// convolutional part at other sizes.
  ///
  /// - Parameters:
  ///   - shape: The input's full shape, batch axis included.
  ///   - tensor: The tensor whose dependencies to plan.
  /// - Returns: The input, then each tensor computed on the way to `tensor`, in dependency order.
  /// - Throws: ``ONNXError/unknownTensor(file:tensor:)``; ``ONNXError/invalidInput(file:input:reason:)``
  ///   for a model with several inputs or a shape that contradicts the declared one;
  ///   ``ONNXError/shapeMismatch(file:node:op:reason:)``.
  public func shapes(forInputShape shape: [Int], upTo tensor: String) throws -> [ONNXTensorShape] {
    guard inputs.count == 1 else {
      throw ONNXError.invalidInput(
        file: file, input: inputs.map(\.name).joined(separator: ", "),
        reason: "the model has \(inputs.count) inputs; a backbone takes one")
    }
    let input = inputs[0]
    if let declared = input.shape {
      let fits =
        declared.count == shape.count
        && zip(declared, shape).enumerated().allSatisfy { axis, pair in
          axis == 0 || pair.0.size == nil || pair.0.size == pair.1
        }
      guard fits, shape.allSatisfy({ $0 >= 1 }) else {
        throw ONNXError.invalidInput(
          file: file, input: input.name, reason: "has shape \(shape), the model expects \(declared)"
        )
      }
    }
    let plan = try ExecutionPlan(graph: graph, inputShapes: [input.name: shape], outputs: [tensor])
    return plan.tensors.map { name, tensor in
      ONNXTensorShape(
        name: name, shape: tensor.shape, stride: tensor.stride, isConstant: tensor.constant != nil)
    }
  }

  /// The last tensor computed from the input, in dependency order, that is a 4-D feature map
  /// with a stride, for a model with one input: where a classification network's last
  /// convolutional stage ends, before global pooling. Only the part of the graph up to each
  /// candidate is planned, so later layers that fix the input size do not get in the way.
  ///
  /// - Parameter shape: The input's full shape, batch axis included.
  /// - Returns: The tensor with its shape and stride, or nil when there is none.
  public func lastFeatureMap(forInputShape shape: [Int]) -> ONNXTensorShape? {
    guard inputs.count == 1 else { return nil }
    let input = inputs[0].name
    for node in graph.nodes.reversed() {
      for name in node.outputs.reversed() where !name.isEmpty && graph.constants[name] == nil {
        guard let shapes = try? shapes(forInputShape: shape, upTo: name),
          let found = shapes.last(where: { $0.name == name })
        else { continue }
        if found.shape.count == 4, found.stride != nil, !found.isConstant, name != input {
          return found
        }
      }
    }
    return nil
  }

  /// The nodes that compute `tensor` from the graph input, in dependency order, each with the
  /// NeuralNet layer that computes it where there is one.
  ///
  /// Nodes computed from weights alone were folded when the model was loaded and are not
  /// listed. Paddings are resolved for `inputShape`; an automatic padding that depends on the
  /// input size (`SAME_UPPER` or `SAME_LOWER` with a stride above 1) has no fixed layer and
  /// is reported as unsupported, as are `Add`s that broadcast or add a constant.
  ///
  /// - Parameters:
  ///   - tensor: A tensor computed from the graph input (see ``shapes(forInputShape:)``).
  ///   - inputShape: The shape of the graph input the network will see, batch axis included,
  ///     such as `[1, 3, 224, 224]`; it checks the shapes and resolves automatic padding.
  /// - Returns: The nodes, first computed first; empty when `tensor` is the graph input.
  /// - Throws: ``ONNXError/unknownTensor(file:tensor:)`` when `tensor` is not a tensor computed
  ///   from the input; the errors of ``shapes(forInputShape:upTo:)``.
  public func layers(computing tensor: String, inputShape: [Int]) throws -> [ONNXLayerNode] {
    var computed: [String: [Int]] = [:]
    for entry in try shapes(forInputShape: inputShape, upTo: tensor) where !entry.isConstant {
      computed[entry.name] = entry.shape
    }
    guard computed[tensor] != nil else {
      throw ONNXError.unknownTensor(file: file, tensor: tensor)
    }
    let producers = graph.producers
    var needed: Set<Int> = []
    var stack = [tensor]
    while let name = stack.popLast() {
      guard let index = producers[name], needed.insert(index).inserted else { continue }
      stack += graph.nodes[index].inputs.filter { computed[$0] != nil }
    }
    return needed.sorted().map { index in
      let node = graph.nodes[index]
      let inputs = node.inputs.filter { !$0.isEmpty && computed[$0] != nil }
      let output = node.outputs.first ?? ""
      let layer: ONNXLayer
      do throws(PlanningError) {
        layer = try Self.layer(
          of: node, inputs: inputs, shapes: computed, constants: graph.constants)
      } catch {
        layer = .unsupported(reason: error.reason)
      }
      return ONNXLayerNode(
        label: node.label, op: node.op, inputs: inputs, output: output, layer: layer)
    }
  }

  /// The layer of one node, or a planning error saying why there is none.
  private static func layer(
    of node: ONNXGraph.Node, inputs: [String], shapes: [String: [Int]],
    constants: [String: GraphValue]
  ) throws(PlanningError) -> ONNXLayer {
    func constant(_ position: Int) -> GraphValue? {
      guard position < node.inputs.count, !node.inputs[position].isEmpty else { return nil }
      return constants[node.inputs[position]]
    }
    guard node.outputs.dropFirst().allSatisfy({ $0.isEmpty || shapes[$0] == nil }) else {
      throw PlanningError("a second output is read")
    }
    guard let first = inputs.first, let shape = shapes[first] else {
      throw PlanningError("reads no computed tensor")
    }
    switch node.implementation {
    case let conv as ConvOperator:
      guard inputs == [node.inputs[0]], let weight = constant(1) else {
        throw PlanningError("its weight is computed at run time")
      }
      let kernel = SpatialPair(height: weight.shape[2], width: weight.shape[3])
      let padding = try fixedPadding(conv.window, input: shape, kernel: kernel)
      return .convolution(
        Conv2d(
          weight: Tensor(shape: weight.shape, data: weight.floats),
          bias: constant(2).map { Tensor(shape: $0.shape, data: $0.floats) },
          stride: conv.window.stride, padding: padding, dilation: conv.window.dilation,
          groups: conv.groups))
    case let normalization as BatchNormalizationOperator:
      guard shape.count == 4 else { throw PlanningError("its input has shape \(shape)") }
      let parameters = (1...4).map { constant($0)?.floats ?? [] }
      let channels = shape[1]
      guard parameters.allSatisfy({ $0.count == channels }) else {
        throw PlanningError("its statistics are computed at run time")
      }
      var scale = [Float](repeating: 0, count: channels), shift = scale
      for c in 0..<channels {
        let a =
          Double(parameters[0][c])
          / (Double(parameters[3][c]) + Double(normalization.epsilon)).squareRoot()
        scale[c] = Float(a)
        shift[c] = Float(Double(parameters[1][c]) - Double(parameters[2][c]) * a)
      }
      return .channelAffine(scale: scale, shift: shift)
    case let activation as ActivationOperator:
      switch activation.function {
      case .relu: return .relu
      case .leakyRelu(let alpha): return .leakyReLU(negativeSlope: alpha)
      case .clip(var lower, var upper):
        if activation.clipBoundsFromInputs {
          lower = constant(1)?.floats.first ?? -.infinity
          upper = constant(2)?.floats.first ?? .infinity
        }
        guard lower <= upper else {
          throw PlanningError("its bounds \(lower) and \(upper) are not in order")
        }
        return .clip(lower: lower, upper: upper)
      default:
        throw PlanningError("NeuralNet has no layer with a backward pass for \(node.op)")
      }
    case let pool as PoolOperator:
      let kernel = pool.window.kernel ?? SpatialPair(1)
      let padding = try fixedPadding(pool.window, input: shape, kernel: kernel)
      if pool.isMax {
        var layer = MaxPool2d(
          kernelSize: kernel, stride: pool.window.stride, padding: padding,
          dilation: pool.window.dilation, ceilMode: pool.window.ceilMode)
        layer.emptyWindowValue = -.greatestFiniteMagnitude
        return .maxPool(layer)
      }
      return .averagePool(
        AvgPool2d(
          kernelSize: kernel, stride: pool.window.stride, padding: padding,
          ceilMode: pool.window.ceilMode, countIncludesPadding: pool.countIncludesPadding))
    case let binary as BinaryOperator where binary.operation == .add:
      guard inputs.count == 2, node.inputs.count == 2 else {
        throw PlanningError("adds a constant; only sums of two computed tensors are supported")
      }
      guard shapes[inputs[0]] == shapes[inputs[1]] else {
        throw PlanningError(
          "broadcasts \(shapes[inputs[1]] ?? []) onto \(shapes[inputs[0]] ?? []); only sums of tensors of one shape are supported"
        )
      }
      return .add
    case is PassThroughOperator:
      return .identity
    default:
      throw PlanningError("NeuralNet has no layer with a backward pass for \(node.op)")
    }
  }

  /// The explicit padding of a window, unless it depends on the input size.
  private static func fixedPadding(
    _ window: WindowAttributes, input: [Int], kernel: SpatialPair
  ) throws(PlanningError) -> SpatialPadding {
    let automatic = window.autoPad == .sameUpper || window.autoPad == .sameLower
    guard !automatic || window.stride == SpatialPair(1) else {
      throw PlanningError(
        "its auto_pad \(window.autoPad.rawValue) with stride \(window.stride) pads by an amount that depends on the input size"
      )
    }
    return try window.resolve(input: input, kernel: kernel).padding
  }
}
