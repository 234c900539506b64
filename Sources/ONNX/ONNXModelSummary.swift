import Foundation

/// What an ONNX file holds — producer, operator sets, inputs, outputs, weights, operators —
/// read without checking that RegionKit can run it (`regionkit model info` shows it even for
/// models with unsupported operators).
public struct ONNXModelSummary: Sendable {
  /// The file, as given.
  public let file: String
  /// `producer_name` and `producer_version` (`pytorch 2.5.0`), possibly empty.
  public let producer: String
  /// The IR version of the file format.
  public let irVersion: Int
  /// The version of the default (`ai.onnx`) operator set imported.
  public let opsetVersion: Int
  /// Every imported operator set, `domain version` (`ai.onnx 17`, `ai.onnx.ml 3`).
  public let opsetImports: [String]
  /// The graph inputs the caller provides (initializers listed as inputs are left out).
  public let inputs: [ONNXValueInfo]
  /// The graph outputs.
  public let outputs: [ONNXValueInfo]
  /// The number of weight values (initializer elements).
  public let parameterCount: Int
  /// How many nodes use each operator (`domain::op` outside the default domain).
  public let operatorCounts: [String: Int]
  /// The operators used that this importer does not run, sorted.
  public let unsupportedOperators: [String]
  let message: ModelMessage
  /// The first node with an unsupported operator: its label and operator.
  let firstUnsupported: (label: String, op: String)?

  /// Reads a model file.
  ///
  /// - Throws: ``ONNXError/unreadableFile(file:reason:)``, ``ONNXError/malformedFile(file:offset:reason:)``,
  ///   ``ONNXError/notAModel(file:reason:)`` and initializer errors.
  public init(contentsOf url: URL) throws {
    let file = url.path
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try Data(contentsOf: url))
    } catch {
      throw ONNXError.unreadableFile(file: file, reason: (error as NSError).localizedDescription)
    }
    guard !bytes.isEmpty else { throw ONNXError.notAModel(file: file, reason: "the file is empty") }
    if let other = ModelMessage.recognizeOtherFormat(Array(bytes.prefix(16))) {
      throw ONNXError.notAModel(file: file, reason: "it looks like \(other)")
    }
    let context = DecodingContext(file: file, directory: url.deletingLastPathComponent())
    let message: ModelMessage
    do {
      message = try bytes.withUnsafeBytes { try ModelMessage.decode($0, context: context) }
    } catch let error as ProtobufError {
      throw ONNXError.malformedFile(file: file, offset: error.offset, reason: error.reason)
    }
    guard let graph = message.graph, !graph.nodes.isEmpty || !graph.outputs.isEmpty else {
      throw ONNXError.notAModel(
        file: file, reason: "it has no graph (truncated, or another protobuf file)")
    }
    guard
      let opset = message.opsetImports.first(where: { OperatorRegistry.isDefaultDomain($0.domain) })
    else {
      throw ONNXError.notAModel(file: file, reason: "it imports no ai.onnx operator set")
    }
    let initializerNames = Set(graph.initializers.map(\.name))
    func info(_ value: ValueInfoMessage) -> ONNXValueInfo {
      ONNXValueInfo(
        name: value.name,
        elementType: Int32(exactly: value.elementType).flatMap(ONNXElementType.init(rawValue:))
          ?? .undefined,
        shape: value.dimensions)
    }
    var counts: [String: Int] = [:]
    var unsupported: Set<String> = []
    var firstUnsupported: (String, String)?
    for (index, node) in graph.nodes.enumerated() {
      let isDefault = OperatorRegistry.isDefaultDomain(node.domain)
      let op = isDefault ? node.opType : "\(node.domain)::\(node.opType)"
      counts[op, default: 0] += 1
      if !isDefault || OperatorRegistry.factories[node.opType] == nil {
        unsupported.insert(op)
        if firstUnsupported == nil {
          firstUnsupported = (node.name.isEmpty ? "#\(index)" : "\"\(node.name)\"", op)
        }
      }
    }
    self.file = file
    self.producer = [message.producerName, message.producerVersion].filter { !$0.isEmpty }.joined(
      separator: " ")
    self.irVersion = Int(clamping: message.irVersion)
    self.opsetVersion = Int(clamping: opset.version)
    self.opsetImports = message.opsetImports.map {
      "\($0.domain.isEmpty ? "ai.onnx" : $0.domain) \($0.version)"
    }
    self.inputs = graph.inputs.filter { !initializerNames.contains($0.name) }.map(info)
    self.outputs = graph.outputs.map(info)
    self.parameterCount = graph.initializers.reduce(0) { $0 + $1.value.count }
    self.operatorCounts = counts
    self.unsupportedOperators = unsupported.sorted()
    self.message = message
    self.firstUnsupported = firstUnsupported
  }

  /// The declared input shapes with the batch axis (axis 0) set to 1, when every other size
  /// is fixed; nil otherwise.
  public static func fixedShapes(_ inputs: [ONNXValueInfo]) -> [String: [Int]]? {
    var shapes: [String: [Int]] = [:]
    for input in inputs {
      guard let dimensions = input.shape else { return nil }
      var shape: [Int] = []
      for (axis, dimension) in dimensions.enumerated() {
        if let size = dimension.size {
          shape.append(axis == 0 ? max(size, 1) : size)
        } else if axis == 0 {
          shape.append(1)
        } else {
          return nil
        }
      }
      shapes[input.name] = shape
    }
    return shapes
  }
}
