import Foundation
import NeuralNet

/// A network in the ONNX format, loaded and checked, that runs on NeuralNet tensors.
///
/// Loading reads the protobuf file (and weights kept in side files), checks every node —
/// operator, opset, attributes, inputs, dependency order — folds everything computed from
/// weights alone, and, when the declared input shape is fixed apart from the batch size,
/// plans the whole graph so shape errors surface at load rather than at the first run.
/// Running plans the graph for the given input shape (folding the shape arithmetic that
/// exporters emit), then runs each batch item on its own thread: results are identical for
/// any thread count (``/NeuralNet/ComputeThreads``) and any batch size.
///
///     let model = try ONNXModel(contentsOf: URL(fileURLWithPath: "resnet18.onnx"))
///     let logits = try model.run(images)                          // [N, 1000]
///     let features = try model.run(images, output: "/layer3/layer3.1/relu_1/Relu_output_0")
///     for tensor in try model.shapes(forInputShape: [1, 3, 224, 224]) {
///       print(tensor.name, tensor.shape, tensor.stride.map { "\($0.height)" } ?? "-")
///     }
///
/// Supported: the default (`ai.onnx`) operator set, versions 6 to 21, with the operators of
/// ``supportedOperators`` on Float32 data (float16, bfloat16 and float64 weights are converted
/// when loaded). Batch items must be independent (every CNN exported for inference is).
///
/// Checked against onnxruntime on the models in `Fixtures/onnx` (made by
/// `Tools/onnx/make_fixtures.py`) within `1e-4 * max|y| + 1e-5`.
public struct ONNXModel: Sendable {
  /// The file the model was read from, as given.
  public let file: String
  /// The producer recorded in the file (`pytorch 2.5`), possibly empty.
  public let producer: String
  /// The version of the default operator set the model imports.
  public let opsetVersion: Int
  /// The graph inputs the caller provides (initializers listed as inputs are left out).
  public let inputs: [ONNXValueInfo]
  /// The graph outputs.
  public let outputs: [ONNXValueInfo]
  /// The number of weight values (initializer elements).
  public let parameterCount: Int
  /// How many nodes use each operator.
  public let operatorCounts: [String: Int]
  /// Problems that do not stop the model from loading (NaN or infinite weights).
  public let warnings: [String]
  let graph: ONNXGraph
  let plans = PlanCache()

  /// The operators this importer runs.
  public static var supportedOperators: [String] { OperatorRegistry.names }

  /// The versions of the default operator set this importer reads.
  public static let supportedOpsets: ClosedRange<Int> = 6...21

  /// Loads and checks a model.
  ///
  /// - Parameter url: the `.onnx` file; weights kept as external data are read from the
  ///   locations it names, relative to its folder.
  /// - Throws: ``ONNXError`` naming the file, and the node or tensor at fault, for unreadable
  ///   or malformed files, unsupported opsets, operators or attributes, missing or malformed
  ///   weights, cycles and shape mismatches.
  public init(contentsOf url: URL) throws {
    try self.init(try ONNXModelSummary(contentsOf: url))
  }

  /// Checks and loads a model already read as a summary (the file is not read again).
  ///
  /// - Throws: as ``init(contentsOf:)``, apart from the reading errors.
  public init(_ summary: ONNXModelSummary) throws {
    guard summary.unsupportedOperators.isEmpty else {
      let (label, op) = summary.firstUnsupported!
      throw ONNXError.unsupportedOperator(
        file: summary.file, node: label, op: op, opset: Int64(summary.opsetVersion),
        supported: OperatorRegistry.names)
    }
    let message = summary.message
    let file = summary.file
    guard Self.supportedOpsets.contains(summary.opsetVersion) else {
      throw ONNXError.unsupportedOpset(
        file: file, domain: "", version: Int64(summary.opsetVersion),
        supported:
          "ai.onnx \(Self.supportedOpsets.lowerBound) to \(Self.supportedOpsets.upperBound); export with opset_version in that range"
      )
    }
    let graphMessage = message.graph!
    // Constants: initializers, checked for non-finite values.
    var constants: [String: GraphValue] = [:]
    var warnings: [String] = []
    for initializer in graphMessage.initializers {
      constants[initializer.name] = initializer.value
      if case .float(let values) = initializer.value.storage {
        let bad = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        if bad > 0 {
          warnings.append(
            "\(file): initializer \"\(initializer.name)\" has \(bad) NaN or infinite value(s) of \(values.count)"
          )
        }
      }
    }
    // Nodes: each validated by its operator.
    var nodes: [ONNXGraph.Node] = []
    for (index, node) in graphMessage.nodes.enumerated() {
      let label = node.name.isEmpty ? "#\(index)" : "\"\(node.name)\""
      let context = NodeContext(
        file: file, label: label, node: node, opset: Int64(summary.opsetVersion))
      let implementation = try OperatorRegistry.factories[node.opType]!(context)
      nodes.append(
        ONNXGraph.Node(
          label: label, op: node.opType, inputs: node.inputs, outputs: node.outputs,
          implementation: implementation))
    }
    let inputs = summary.inputs
    let available = Set(constants.keys).union(inputs.map(\.name))
    nodes = try ONNXGraph.sorted(nodes, available: available, file: file)
    var graph = ONNXGraph(
      file: file, nodes: nodes, constants: constants, inputs: inputs, outputs: summary.outputs)
    for output in graph.outputs
    where graph.producers[output.name] == nil && !available.contains(output.name) {
      throw ONNXError.notAModel(
        file: file, reason: "graph output \"\(output.name)\" is produced by no node")
    }
    // Fold what depends on weights alone (casts of float16 weights, constant shapes).
    let folded = try ExecutionPlan(graph: graph, inputShapes: nil, outputs: nil)
    for (name, tensor) in folded.tensors {
      if let constant = tensor.constant { graph.constants[name] = constant }
    }
    self.file = file
    self.producer = summary.producer
    self.opsetVersion = summary.opsetVersion
    self.inputs = inputs
    self.outputs = summary.outputs
    self.parameterCount = summary.parameterCount
    self.operatorCounts = summary.operatorCounts
    self.warnings = warnings
    self.graph = graph
    // Plan now when the declared input shapes are fixed but for the batch size.
    if let shapes = ONNXModelSummary.fixedShapes(inputs) {
      _ = try ExecutionPlan(graph: graph, inputShapes: shapes, outputs: outputs.map(\.name))
    }
  }

  /// Every named tensor (inputs, node outputs and folded constants) with its shape and
  /// stride, in dependency order, for the given shape of each input.
  ///
  /// - Parameter inputShapes: the full shape of each graph input, batch axis included.
  /// - Throws: ``ONNXError/invalidInput(file:input:reason:)`` when a shape contradicts the
  ///   declared one; ``ONNXError/shapeMismatch(file:node:op:reason:)`` when it does not fit a node.
  public func shapes(for inputShapes: [String: [Int]]) throws -> [ONNXTensorShape] {
    try checkInputShapes(inputShapes)
    let plan = try ExecutionPlan(graph: graph, inputShapes: inputShapes, outputs: nil)
    return plan.tensors.map { name, tensor in
      ONNXTensorShape(
        name: name, shape: tensor.shape, stride: tensor.stride, isConstant: tensor.constant != nil)
    }
  }

  /// ``shapes(for:)`` for a model with one input.
  public func shapes(forInputShape shape: [Int]) throws -> [ONNXTensorShape] {
    try shapes(for: [try singleInput().name: shape])
  }

  /// Runs the model.
  ///
  /// - Parameters:
  ///   - inputs: a tensor for each graph input, by name; axis 0 is the batch axis.
  ///   - requested: the tensors to return, by name: graph outputs or any intermediate tensor.
  ///     Default: the graph outputs. Only the nodes they depend on run.
  /// - Returns: each requested tensor, the batch items stacked along axis 0.
  /// - Throws: ``ONNXError/invalidInput(file:input:reason:)`` for a missing input, a shape
  ///   that contradicts the declared one or non-finite input values;
  ///   ``ONNXError/unknownTensor(file:tensor:)``; ``ONNXError/nonFiniteOutput(file:node:tensor:)``
  ///   naming the first node that produced NaN or infinity.
  public func run(_ inputs: [String: Tensor], outputs requested: [String]? = nil) throws -> [String:
    Tensor]
  {
    var batch: Int?
    for input in self.inputs {
      guard let tensor = inputs[input.name] else {
        throw ONNXError.invalidInput(file: file, input: input.name, reason: "is missing")
      }
      guard tensor.rank >= 1 else {
        throw ONNXError.invalidInput(
          file: file, input: input.name, reason: "is a scalar; axis 0 must be the batch axis")
      }
      if let batch, batch != tensor.shape[0] {
        throw ONNXError.invalidInput(
          file: file, input: input.name,
          reason: "has batch size \(tensor.shape[0]), another input has \(batch)")
      }
      batch = tensor.shape[0]
      guard tensor.data.allSatisfy(\.isFinite) else {
        throw ONNXError.invalidInput(
          file: file, input: input.name, reason: "contains NaN or infinite values")
      }
    }
    for name in inputs.keys where !self.inputs.contains(where: { $0.name == name }) {
      throw ONNXError.invalidInput(
        file: file, input: name,
        reason:
          "is not an input of the graph (inputs: \(self.inputs.map(\.name).joined(separator: ", ")))"
      )
    }
    let items = batch ?? 1
    try checkInputShapes(inputs.mapValues(\.shape))
    let names = requested ?? outputs.map(\.name)
    let batchPlan = try plan(inputs.mapValues(\.shape), names)
    let graph = self.graph
    let values = inputs.mapValues { GraphValue(shape: $0.shape, floats: $0.data) }
    // Batch items run on their own threads when the graph keeps them apart (every CNN
    // exported for inference); otherwise the batch runs as one.
    var itemPlan: ExecutionPlan?
    if items > 1,
      let candidate = try? plan(inputs.mapValues { [1] + $0.shape.dropFirst() }, names),
      candidate.runsItemByItem(batchPlan, items: items)
    {
      itemPlan = candidate
    }
    var results: [String: GraphValue]
    if let itemPlan {
      results = try runItemByItem(itemPlan, values, items: items, names: names)
    } else {
      results = batchPlan.execute(values, graph: graph).outputs
      if let bad = names.first(where: { !results[$0]!.isFinite }) {
        let located = batchPlan.execute(values, graph: graph, checkEachStep: true).firstNonFinite
        throw ONNXError.nonFiniteOutput(
          file: file, node: located?.node ?? "(input)", tensor: located?.tensor ?? bad)
      }
    }
    var stacked: [String: Tensor] = [:]
    for name in names {
      let value = results[name]!
      stacked[name] = Tensor(shape: value.shape, data: value.floats)
    }
    return stacked
  }

  /// The plan for these input shapes and requested tensors, reused from the last runs when
  /// they had the same.
  private func plan(_ inputShapes: [String: [Int]], _ outputs: [String]) throws -> ExecutionPlan {
    try plans.plan(for: PlanCache.Key(inputShapes: inputShapes, outputs: outputs)) {
      try ExecutionPlan(graph: graph, inputShapes: inputShapes, outputs: outputs)
    }
  }

  /// Runs each batch item through `plan` on ``ComputeThreads`` and stacks the results.
  private func runItemByItem(
    _ plan: ExecutionPlan, _ inputs: [String: GraphValue], items: Int, names: [String]
  ) throws -> [String: GraphValue] {
    let graph = self.graph
    func itemInputs(_ item: Int) -> [String: GraphValue] {
      inputs.mapValues { value in
        let size = value.count / items
        return GraphValue(
          shape: [1] + value.shape.dropFirst(),
          floats: Array(value.floats[(item * size)..<((item + 1) * size)]))
      }
    }
    // Each task writes only its own slot.
    let results = UnsafeMutableBufferPointer<[String: GraphValue]>.allocate(capacity: items)
    results.initialize(repeating: [:])
    defer {
      results.deinitialize()
      results.deallocate()
    }
    ComputeThreads.forEach(items) { item in
      results[item] = plan.execute(itemInputs(item), graph: graph).outputs
    }
    var stacked: [String: GraphValue] = [:]
    for name in names {
      let parts = (0..<items).map { results[$0][name]! }
      if let item = parts.firstIndex(where: { !$0.isFinite }) {
        let located = plan.execute(itemInputs(item), graph: graph, checkEachStep: true)
          .firstNonFinite
        throw ONNXError.nonFiniteOutput(
          file: file, node: located?.node ?? "(input)", tensor: located?.tensor ?? name)
      }
      stacked[name] = GraphValue(
        shape: [items] + parts[0].shape.dropFirst(), floats: parts.flatMap(\.floats))
    }
    return stacked
  }

  /// Runs a model with one input and returns one tensor.
  ///
  /// - Parameters:
  ///   - input: the input, batch axis first (NCHW for images).
  ///   - output: the tensor to return. Default: the first graph output.
  public func run(_ input: Tensor, output: String? = nil) throws -> Tensor {
    let name = output ?? outputs[0].name
    return try run([try singleInput().name: input], outputs: [name])[name]!
  }

  private func singleInput() throws -> ONNXValueInfo {
    guard inputs.count == 1 else {
      throw ONNXError.invalidInput(
        file: file, input: inputs.map(\.name).joined(separator: ", "),
        reason: "the model has \(inputs.count) inputs; pass them by name")
    }
    return inputs[0]
  }

  /// Refuses shapes that contradict the declared ones (rank, or a fixed size off the batch axis).
  private func checkInputShapes(_ shapes: [String: [Int]]) throws {
    for input in inputs {
      guard let shape = shapes[input.name] else {
        throw ONNXError.invalidInput(file: file, input: input.name, reason: "has no shape")
      }
      guard shape.allSatisfy({ $0 >= 1 }) else {
        throw ONNXError.invalidInput(
          file: file, input: input.name, reason: "has shape \(shape); every size must be at least 1"
        )
      }
      guard let declared = input.shape else { continue }
      guard declared.count == shape.count else {
        throw ONNXError.invalidInput(
          file: file, input: input.name,
          reason: "has shape \(shape), the model expects rank \(declared.count) (\(declared))")
      }
      for (axis, dimension) in declared.enumerated() where axis > 0 {
        if let size = dimension.size, size != shape[axis] {
          throw ONNXError.invalidInput(
            file: file, input: input.name,
            reason: "has shape \(shape), the model expects \(declared)")
        }
      }
    }
  }
}
