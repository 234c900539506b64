import NeuralNet

/// One dimension of a graph input's or output's declared shape.
public enum ONNXDimension: Sendable, Hashable, CustomStringConvertible {
  /// A fixed size.
  case size(Int)
  /// A named size chosen when the model runs (`batch`, `height`).
  case symbol(String)
  /// A size the file leaves open.
  case unknown

  public var description: String {
    switch self {
    case .size(let size): "\(size)"
    case .symbol(let name): name
    case .unknown: "?"
    }
  }

  /// The size, when fixed.
  public var size: Int? {
    if case .size(let size) = self { return size }
    return nil
  }
}

/// A graph input or output: its name, element type and declared shape.
public struct ONNXValueInfo: Sendable, Hashable {
  /// The tensor's name in the graph.
  public var name: String
  /// The declared element type.
  public var elementType: ONNXElementType
  /// The declared shape, or nil when the file gives none.
  public var shape: [ONNXDimension]?
}

/// The shape of a named tensor for a given input shape, and its stride relative to the
/// input image (for cutting a network at a layer to use it as a backbone).
public struct ONNXTensorShape: Sendable, Hashable {
  /// The tensor's name in the graph.
  public var name: String
  /// Its shape for the input shape the model was planned for.
  public var shape: [Int]
  /// How many input pixels one step along the tensor's height and width spans, for 4-D
  /// tensors computed from the input image through convolutions, pools and element-wise
  /// operations; nil otherwise (vectors, shapes, weights).
  public var stride: SpatialPair?
  /// Whether the value is a constant of the model (a weight or a folded shape computation).
  public var isConstant: Bool
}
