extension ONNXModelSummary {
  /// The side files that hold weights kept as external data, relative to the model's folder,
  /// sorted, each once (empty when every weight is inside the `.onnx` file).
  ///
  /// A copy of the model must take these files along, at the same relative paths.
  public var externalDataFiles: [String] {
    var locations: Set<String> = []
    for initializer in message.graph?.initializers ?? [] {
      if let location = initializer.externalLocation { locations.insert(location) }
    }
    for node in message.graph?.nodes ?? [] {
      for attribute in node.attributes {
        if let location = attribute.tensor?.externalLocation { locations.insert(location) }
      }
    }
    return locations.sorted()
  }
}
