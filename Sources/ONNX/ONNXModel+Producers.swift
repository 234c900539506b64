extension ONNXModel {
  /// The node that computes a tensor: its operator and its input tensors, by name.
  public struct Producer: Sendable, Hashable {
    /// The operator (`Softmax`, `Gemm`, …).
    public var op: String
    /// The node's name, or `#index` when the exporter gave none.
    public var node: String
    /// The tensors it reads, in order ("" for an omitted optional input).
    public var inputs: [String]
  }

  /// The node that computes `tensor`, or nil when no node does (a graph input, a weight or a
  /// value folded into a constant when the model was loaded).
  ///
  ///     let softmax = model.producer(of: model.outputs[0].name)?.op == "Softmax"
  public func producer(of tensor: String) -> Producer? {
    guard let index = graph.producers[tensor] else { return nil }
    let node = graph.nodes[index]
    return Producer(op: node.op, node: node.label, inputs: node.inputs)
  }
}
