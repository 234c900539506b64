/// The operators the importer runs, by ONNX name, with the factory that validates a node.
enum OperatorRegistry {
  static let factories: [String: @Sendable (NodeContext) throws -> any ONNXOperator] = [
    "Conv": { try ConvOperator($0) },
    "BatchNormalization": { try BatchNormalizationOperator($0) },
    "Relu": { try ActivationOperator($0) },
    "LeakyRelu": { try ActivationOperator($0) },
    "PRelu": { try BinaryOperator($0) },
    "Clip": { try ActivationOperator($0) },
    "Sigmoid": { try ActivationOperator($0) },
    "HardSigmoid": { try ActivationOperator($0) },
    "HardSwish": { try ActivationOperator($0) },
    "Tanh": { try ActivationOperator($0) },
    "Add": { try BinaryOperator($0) },
    "Sub": { try BinaryOperator($0) },
    "Mul": { try BinaryOperator($0) },
    "Div": { try BinaryOperator($0) },
    "Concat": { try ConcatOperator($0) },
    "MaxPool": { try PoolOperator($0) },
    "AveragePool": { try PoolOperator($0) },
    "GlobalAveragePool": { try GlobalPoolOperator($0) },
    "GlobalMaxPool": { try GlobalPoolOperator($0) },
    "Flatten": { try ReshapeOperator($0) },
    "Reshape": { try ReshapeOperator($0) },
    "Squeeze": { try ReshapeOperator($0) },
    "Unsqueeze": { try ReshapeOperator($0) },
    "Transpose": { try TransposeOperator($0) },
    "Gemm": { try GemmOperator($0) },
    "MatMul": { try MatMulOperator($0) },
    "Softmax": { try SoftmaxOperator($0) },
    "ReduceMean": { try ReduceOperator($0) },
    "ReduceSum": { try ReduceOperator($0) },
    "ReduceMax": { try ReduceOperator($0) },
    "ReduceMin": { try ReduceOperator($0) },
    "Dropout": { try PassThroughOperator($0) },
    "Identity": { try PassThroughOperator($0) },
    "Constant": { try ConstantOperator($0) },
    "ConstantOfShape": { try ConstantOfShapeOperator($0) },
    "Pad": { try PadOperator($0) },
    "Shape": { try ShapeOperator($0) },
    "Gather": { try GatherOperator($0) },
    "Slice": { try SliceOperator($0) },
    "Cast": { try CastOperator($0) },
  ]

  /// The supported operator names, sorted.
  static var names: [String] { factories.keys.sorted() }

  /// Whether a node's domain is the default ONNX operator set.
  static func isDefaultDomain(_ domain: String) -> Bool { domain.isEmpty || domain == "ai.onnx" }
}
