/// A node being loaded: its attributes with typed accessors, and errors that name the file,
/// the node and its operator.
struct NodeContext {
  var file: String
  /// The node's name, or `#index` when it has none.
  var label: String
  var node: NodeMessage
  /// The version of the default operator set the model imports.
  var opset: Int64

  var op: String { node.opType }

  /// An invalid-node error for this node.
  func failure(_ reason: String) -> ONNXError {
    .invalidNode(file: file, node: label, op: op, reason: reason)
  }

  /// An invalid-attribute error for this node.
  func attributeFailure(_ name: String, _ reason: String) -> ONNXError {
    .invalidAttribute(file: file, node: label, op: op, attribute: name, reason: reason)
  }

  func attribute(_ name: String) -> AttributeMessage? {
    node.attributes.first { $0.name == name }
  }

  private func typed(_ name: String, _ kind: AttributeMessage.Kind) throws -> AttributeMessage? {
    guard let attribute = attribute(name) else { return nil }
    guard attribute.kind == kind else {
      throw attributeFailure(name, "has type \(attribute.kind), expected \(kind)")
    }
    return attribute
  }

  func int(_ name: String) throws -> Int? {
    try typed(name, .int).map { attribute in
      guard let value = Int(exactly: attribute.int) else {
        throw attributeFailure(name, "is \(attribute.int), out of range")
      }
      return value
    }
  }

  func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

  func float(_ name: String, default value: Float) throws -> Float {
    try typed(name, .float)?.float ?? value
  }

  func ints(_ name: String) throws -> [Int]? {
    try typed(name, .ints).map { attribute in
      try attribute.ints.map { value in
        guard let int = Int(exactly: value), int.magnitude <= UInt(Int32.max) else {
          throw attributeFailure(name, "holds \(value), out of range")
        }
        return int
      }
    }
  }

  func string(_ name: String, default value: String) throws -> String {
    try typed(name, .string)?.string ?? value
  }

  func tensor(_ name: String) throws -> TensorMessage? {
    try typed(name, .tensor)?.tensor
  }

  /// Requires the node to have between `minimum` and `maximum` inputs (omitted trailing
  /// optional inputs may be absent or empty names) and exactly `outputs` outputs at most.
  func expectInputs(_ range: ClosedRange<Int>, outputs: ClosedRange<Int> = 1...1) throws {
    let given = node.inputs.count
    guard range.contains(given) else {
      throw failure(
        "has \(given) input(s), expected \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)")"
      )
    }
    guard outputs.contains(node.outputs.count) else {
      throw failure(
        "has \(node.outputs.count) output(s), expected \(outputs.lowerBound == outputs.upperBound ? "\(outputs.lowerBound)" : "\(outputs.lowerBound) to \(outputs.upperBound)")"
      )
    }
    for index in 0..<min(range.lowerBound, given) where node.inputs[index].isEmpty {
      throw failure("input \(index) is required but empty")
    }
  }

  /// Refuses attributes this importer does not implement when they are set to anything but
  /// their default.
  func refuseAttribute(_ name: String, unless isDefault: (AttributeMessage) -> Bool) throws {
    if let attribute = attribute(name), !isDefault(attribute) {
      throw attributeFailure(name, "is set to a value this importer does not support")
    }
  }
}
