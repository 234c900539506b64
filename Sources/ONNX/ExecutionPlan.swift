import NeuralNet

/// A graph planned for concrete input shapes: every tensor's shape, constants folded, the
/// kernels to run in order over numbered value slots, and when each slot can be freed.
struct ExecutionPlan: Sendable {
  struct Step: Sendable {
    var node: Int
    /// The slot of each input; nil for an omitted optional input.
    var inputs: [Int?]
    /// The slot of each output the kernel produces.
    var outputs: [Int]
    /// Slots whose last reader is this step (moved into the kernel, not copied).
    var lastUses: Set<Int>
    var kernel: Kernel
  }

  var slotCount: Int
  /// The graph inputs' slots.
  var inputSlots: [String: Int]
  /// Constant values and their slots.
  var constants: [(slot: Int, value: GraphValue)]
  var steps: [Step]
  /// The requested tensors' slots.
  var outputSlots: [String: Int]
  /// What planning learned about every tensor it reached, in dependency order.
  var tensors: [(name: String, tensor: PlannedTensor)]
  /// Whether a kernel combines batch items in a way shapes do not show.
  var mixesItems = false

  /// Plans `graph` for the given input shapes, computing `outputs` (every tensor when nil).
  ///
  /// With `inputShapes` nil, only nodes whose inputs are all constants are planned: the
  /// load-time constant folding.
  init(graph: ONNXGraph, inputShapes: [String: [Int]]?, outputs requested: [String]?) throws {
    var known: [String: PlannedTensor] = [:]
    for (name, value) in graph.constants {
      known[name] = PlannedTensor(shape: value.shape, constant: value)
    }
    var order: [String] = []
    for input in graph.inputs {
      guard let shape = inputShapes?[input.name] else { continue }
      // Declared shapes come from the file: their sizes must make a tensor.
      guard shape.checkedElementCount != nil else {
        throw ONNXError.invalidInput(
          file: graph.file, input: input.name,
          reason: "shape \(shape) has a negative size or more elements than an Int holds")
      }
      known[input.name] = PlannedTensor(
        shape: shape, stride: shape.count == 4 ? SpatialPair(1) : nil)
      order.append(input.name)
    }
    // The nodes the requested tensors depend on.
    var needed = Set(graph.nodes.indices)
    if let requested {
      let producers = graph.producers
      needed = []
      var stack = requested.compactMap { producers[$0] }
      while let index = stack.popLast() {
        guard needed.insert(index).inserted else { continue }
        stack.append(contentsOf: graph.nodes[index].inputs.compactMap { producers[$0] })
      }
    }
    var unavailable: [String: String] = [:]  // tensor -> node that cannot produce it
    var planned: [(node: Int, kernel: Kernel)] = []
    var mixesItems = false
    for (index, node) in graph.nodes.enumerated() where needed.contains(index) {
      var inputs: [PlannedTensor?] = []
      var complete = true
      for name in node.inputs {
        if name.isEmpty {
          inputs.append(nil)
        } else if let tensor = known[name] {
          inputs.append(tensor)
        } else if let producer = unavailable[name], inputShapes != nil {
          throw ONNXError.invalidNode(
            file: graph.file, node: node.label, op: node.op,
            reason: "reads \"\(name)\", an output node \(producer) does not produce in inference")
        } else {
          complete = false
          inputs.append(nil)
        }
      }
      guard complete else { continue }  // load-time folding: depends on the graph input
      let foldOnly = inputShapes == nil
      if foldOnly && inputs.contains(where: { $0 != nil && $0!.constant == nil }) { continue }
      let plan: NodePlan
      do {
        plan = try node.implementation.plan(inputs)
        // Every planned shape must make a tensor, so the kernels' size products cannot
        // overflow (the operators check the arithmetic that makes the shapes).
        if case .kernel(let outputs, _) = plan {
          for output in outputs {
            _ = try CheckedShapeArithmetic.elementCount(output.shape, "the output shape")
          }
        }
      } catch {
        throw ONNXError.shapeMismatch(
          file: graph.file, node: node.label, op: node.op, reason: error.reason)
      }
      let results: [(name: String, tensor: PlannedTensor)]
      switch plan {
      case .constant(let values):
        results = zip(node.outputs, values).map {
          ($0, PlannedTensor(shape: $1.shape, constant: $1))
        }
      case .kernel(let outputs, let kernel):
        if inputs.allSatisfy({ $0 == nil || $0!.constant != nil }) {
          var values = inputs.map { $0?.constant }
          let computed = kernel(&values)
          results = zip(node.outputs, computed).map {
            ($0, PlannedTensor(shape: $1.shape, constant: $1))
          }
        } else {
          let inherited = inputs.first { input in
            guard let input, input.rank == 4, let last = outputs.first?.shape, last.count == 4
            else { return false }
            return input.shape[2...] == last[2...] && input.stride != nil
          }??.stride
          results = zip(node.outputs, outputs).map {
            (
              $0,
              PlannedTensor(
                shape: $1.shape, stride: $1.stride ?? ($1.shape.count == 4 ? inherited : nil))
            )
          }
          planned.append((index, kernel))
          if node.implementation.mixesBatchItems(inputs) { mixesItems = true }
        }
      }
      for (name, tensor) in results where !name.isEmpty {
        known[name] = tensor
        order.append(name)
      }
      for name in node.outputs.dropFirst(results.count) where !name.isEmpty {
        unavailable[name] = node.label
      }
    }
    // Number the dynamic tensors and the constants that kernels read.
    var slots: [String: Int] = [:]
    func slot(_ name: String) -> Int {
      if let existing = slots[name] { return existing }
      slots[name] = slots.count
      return slots.count - 1
    }
    var inputSlots: [String: Int] = [:]
    for input in graph.inputs where inputShapes?[input.name] != nil {
      inputSlots[input.name] = slot(input.name)
    }
    var steps: [Step] = []
    var constantSlots: [String: Int] = [:]
    for (node, kernel) in planned {
      let inputs = graph.nodes[node].inputs.map { name -> Int? in
        guard !name.isEmpty else { return nil }
        let index = slot(name)
        if known[name]?.constant != nil { constantSlots[name] = index }
        return index
      }
      let outputs = graph.nodes[node].outputs.prefix { known[$0] != nil }.map { slot($0) }
      steps.append(Step(node: node, inputs: inputs, outputs: outputs, lastUses: [], kernel: kernel))
    }
    let requestedNames = requested ?? order
    var outputSlots: [String: Int] = [:]
    for name in requestedNames {
      guard known[name] != nil else {
        if let producer = unavailable[name] {
          throw ONNXError.invalidNode(
            file: graph.file, node: producer, op: graph.nodes[graph.producers[name]!].op,
            reason: "its output \"\(name)\" is not produced in inference")
        }
        if inputShapes == nil { continue }
        throw ONNXError.unknownTensor(file: graph.file, tensor: name)
      }
      outputSlots[name] = slot(name)
      if known[name]?.constant != nil { constantSlots[name] = slots[name]! }
    }
    // Free each slot after its last reader, except the requested outputs.
    let kept = Set(outputSlots.values)
    var lastReader: [Int: Int] = [:]
    for (position, step) in steps.enumerated() {
      for case let index? in step.inputs { lastReader[index] = position }
    }
    for (index, position) in lastReader where !kept.contains(index) {
      steps[position].lastUses.insert(index)
    }
    self.slotCount = slots.count
    self.inputSlots = inputSlots
    self.constants = constantSlots.map { ($0.value, known[$0.key]!.constant!) }
    self.steps = steps
    self.outputSlots = outputSlots
    self.tensors = order.map { ($0, known[$0]!) }
    self.mixesItems = mixesItems
  }

  /// Whether this plan, made for one batch item, computes item by item what `batchPlan`
  /// computes for `items` items: every computed tensor has a batch axis of 1 here and of
  /// `items` there with the same remaining sizes, and no kernel mixes items.
  func runsItemByItem(_ batchPlan: ExecutionPlan, items: Int) -> Bool {
    guard !mixesItems, !batchPlan.mixesItems else { return false }
    var batchTensors: [String: PlannedTensor] = [:]
    for (name, tensor) in batchPlan.tensors { batchTensors[name] = tensor }
    for (name, tensor) in tensors {
      guard let full = batchTensors[name], (tensor.constant == nil) == (full.constant == nil) else {
        return false
      }
      if tensor.constant == nil {
        guard tensor.shape.first == 1, full.shape == [items] + tensor.shape.dropFirst() else {
          return false
        }
      }
    }
    return true
  }

  /// Runs the plan on one set of inputs (one batch item). Returns the requested tensors.
  /// With `checkEachStep`, stops at the first node that produces a non-finite value and
  /// returns its label.
  func execute(
    _ inputs: [String: GraphValue], graph: ONNXGraph, checkEachStep: Bool = false
  ) -> (outputs: [String: GraphValue], firstNonFinite: (node: String, tensor: String)?) {
    var values = [GraphValue?](repeating: nil, count: slotCount)
    for (slot, value) in constants { values[slot] = value }
    for (name, slot) in inputSlots { values[slot] = inputs[name] }
    for step in steps {
      var arguments = [GraphValue?](repeating: nil, count: step.inputs.count)
      for (position, slot) in step.inputs.enumerated() {
        guard let slot else { continue }
        let isLastMention = !step.inputs[(position + 1)...].contains(slot)
        if isLastMention && step.lastUses.contains(slot) {
          arguments[position] = values.take(slot)
        } else {
          arguments[position] = values[slot]
        }
      }
      let results = step.kernel(&arguments)
      for (slot, value) in zip(step.outputs, results) { values[slot] = value }
      if checkEachStep {
        let node = graph.nodes[step.node]
        for (name, value) in zip(node.outputs, results) where !value.isFinite {
          return ([:], (node.label, name))
        }
      }
    }
    var outputs: [String: GraphValue] = [:]
    for (name, slot) in outputSlots { outputs[name] = values[slot] }
    return (outputs, nil)
  }
}

extension GraphValue {
  /// Whether no value is NaN or infinite.
  var isFinite: Bool {
    guard case .float(let values) = storage else { return true }
    return values.withUnsafeBufferPointer { buffer in
      var all = true
      for value in buffer where !value.isFinite {
        all = false
        break
      }
      return all
    }
  }
}
