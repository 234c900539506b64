/// Errors from loading and running ONNX models. Each names the file and, where there is one,
/// the node (its name, or `#index` when the exporter gave none) and the tensor at fault.
public enum ONNXError: Error, CustomStringConvertible, Equatable {
  /// The file (or an external-data file) could not be read.
  case unreadableFile(file: String, reason: String)
  /// The bytes are not a well-formed ONNX protobuf message.
  case malformedFile(file: String, offset: Int, reason: String)
  /// The file parses but is not a usable model (no graph, wrong kind of file).
  case notAModel(file: String, reason: String)
  /// The model imports an operator set this importer does not implement.
  case unsupportedOpset(file: String, domain: String, version: Int64, supported: String)
  /// A node uses an operator that is not supported.
  case unsupportedOperator(
    file: String, node: String, op: String, opset: Int64, supported: [String])
  /// A node's attribute is missing, of the wrong type or out of range.
  case invalidAttribute(file: String, node: String, op: String, attribute: String, reason: String)
  /// A node is malformed or uses a feature of its operator that is not supported.
  case invalidNode(file: String, node: String, op: String, reason: String)
  /// A node reads a tensor that no initializer, graph input or earlier node provides.
  case undefinedTensor(file: String, node: String, tensor: String)
  /// The nodes form a cycle.
  case cycle(file: String, nodes: [String])
  /// An initializer (weight tensor) is malformed: sizes, type, data out of range.
  case invalidInitializer(file: String, tensor: String, reason: String)
  /// An initializer's external data file is missing or too short.
  case missingExternalData(file: String, tensor: String, location: String, reason: String)
  /// Shapes do not fit together at a node.
  case shapeMismatch(file: String, node: String, op: String, reason: String)
  /// An input given to ``ONNXModel/run(_:outputs:)`` does not fit the graph.
  case invalidInput(file: String, input: String, reason: String)
  /// A requested output is not a tensor of the graph.
  case unknownTensor(file: String, tensor: String)
  /// Running the model produced NaN or infinite values.
  case nonFiniteOutput(file: String, node: String, tensor: String)

  public var description: String {
    switch self {
    case .unreadableFile(let file, let reason):
      "\(file): cannot be read (\(reason))."
    case .malformedFile(let file, let offset, let reason):
      "\(file): not a valid ONNX file: \(reason) (at byte \(offset))."
    case .notAModel(let file, let reason):
      "\(file): not an ONNX model: \(reason)."
    case .unsupportedOpset(let file, let domain, let version, let supported):
      "\(file): imports operator set \(domain.isEmpty ? "ai.onnx" : domain) version \(version); supported: \(supported)."
    case .unsupportedOperator(let file, let node, let op, let opset, let supported):
      "\(file): node \(node) uses operator \(op) (opset \(opset)), which is not supported; supported operators: \(supported.joined(separator: ", "))."
    case .invalidAttribute(let file, let node, let op, let attribute, let reason):
      "\(file): node \(node) (\(op)): attribute \"\(attribute)\" \(reason)."
    case .invalidNode(let file, let node, let op, let reason):
      "\(file): node \(node) (\(op)): \(reason)."
    case .undefinedTensor(let file, let node, let tensor):
      "\(file): node \(node) reads tensor \"\(tensor)\", which no initializer, graph input or earlier node provides."
    case .cycle(let file, let nodes):
      "\(file): the graph has a cycle through nodes \(nodes.prefix(8).joined(separator: ", "))\(nodes.count > 8 ? ", …" : "")."
    case .invalidInitializer(let file, let tensor, let reason):
      "\(file): initializer \"\(tensor)\" \(reason)."
    case .missingExternalData(let file, let tensor, let location, let reason):
      "\(file): initializer \"\(tensor)\" keeps its data in \"\(location)\", which \(reason)."
    case .shapeMismatch(let file, let node, let op, let reason):
      "\(file): node \(node) (\(op)): \(reason)."
    case .invalidInput(let file, let input, let reason):
      "\(file): input \"\(input)\" \(reason)."
    case .unknownTensor(let file, let tensor):
      "\(file): the graph has no tensor named \"\(tensor)\"."
    case .nonFiniteOutput(let file, let node, let tensor):
      "\(file): node \(node) produced NaN or infinite values in \"\(tensor)\"."
    }
  }
}
