/// A loaded graph: nodes validated and in dependency order, constants (weights and values
/// folded at load), and the graph's inputs and outputs.
struct ONNXGraph: Sendable {
  struct Node: Sendable {
    /// The node's name, or `#index` in file order when it has none.
    var label: String
    var op: String
    /// Input tensor names; "" for an omitted optional input.
    var inputs: [String]
    var outputs: [String]
    var implementation: any ONNXOperator
  }

  var file: String
  var nodes: [Node]
  /// Weights, `Constant` values and everything computed from them alone.
  var constants: [String: GraphValue]
  var inputs: [ONNXValueInfo]
  var outputs: [ONNXValueInfo]

  /// The index of the node producing each tensor.
  var producers: [String: Int] {
    var result: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where !output.isEmpty { result[output] = index }
    }
    return result
  }

  /// Orders nodes so every node follows the producers of its inputs (Kahn's algorithm, ties
  /// in file order), or throws ``ONNXError/cycle(file:nodes:)``.
  static func sorted(_ nodes: [Node], available: Set<String>, file: String) throws -> [Node] {
    var producer: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where !output.isEmpty { producer[output] = index }
    }
    var waiting = [Int](repeating: 0, count: nodes.count)
    var consumers = [[Int]](repeating: [], count: nodes.count)
    for (index, node) in nodes.enumerated() {
      for input in Set(node.inputs) where !input.isEmpty {
        if let source = producer[input] {
          waiting[index] += 1
          consumers[source].append(index)
        } else if !available.contains(input) {
          throw ONNXError.undefinedTensor(file: file, node: node.label, tensor: input)
        }
      }
    }
    var ready = Set(nodes.indices.filter { waiting[$0] == 0 })
    var order: [Int] = []
    while let next = ready.min() {
      ready.remove(next)
      order.append(next)
      for consumer in consumers[next] {
        waiting[consumer] -= 1
        if waiting[consumer] == 0 { ready.insert(consumer) }
      }
    }
    guard order.count == nodes.count else {
      let stuck = nodes.indices.filter { waiting[$0] > 0 }.map { nodes[$0].label }
      throw ONNXError.cycle(file: file, nodes: stuck)
    }
    return order.map { nodes[$0] }
  }
}
