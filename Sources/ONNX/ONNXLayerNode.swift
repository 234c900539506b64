import NeuralNet

/// One node of the part of a graph that computes a tensor, with the NeuralNet layer that
/// computes the same function when there is one.
///
/// The importer's kernels run inference only; NeuralNet's layers also have backward passes.
/// ``ONNXModel/layers(computing:inputShape:)`` describes a network up to a tensor in these
/// terms, so the part of it that NeuralNet can train can be rebuilt from layers and trained
/// further (a backbone fine-tuned inside a detector).
public struct ONNXLayerNode: Sendable {
  /// The node's name, or `#index` when the exporter gave none.
  public var label: String
  /// The operator, such as `Conv`.
  public var op: String
  /// The tensors the node reads that are computed from the graph input (the input itself or
  /// other nodes' outputs), in the node's input order; weights and other constants are left
  /// out.
  public var inputs: [String]
  /// The tensor the node computes.
  public var output: String
  /// The layer computing the node, or why there is none.
  public var layer: ONNXLayer
}
