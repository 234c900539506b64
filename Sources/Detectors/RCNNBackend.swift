/// The region classifier an R-CNN model folder holds.
public enum RCNNBackend: String, Sendable, Hashable, Codable, CaseIterable {
  /// ``SVMRegionClassifier`` on ``HOGDescriptor`` features: HOG + one linear SVM per class +
  /// ridge box regression.
  case hogSVM = "hog-svm"
  /// ``CNNRegionClassifier``: a small CNN with softmax and box-delta heads.
  case cnn
  /// ``SVMRegionClassifier`` on ``ONNXFeatureExtractor`` features: a network trained
  /// elsewhere, cut at a named tensor, + one linear SVM per class + ridge box regression (the
  /// paper's recipe).
  case onnxFeatures = "onnx-features"
  /// ``ONNXRegionClassifier``: a classifier trained elsewhere, its outputs mapped to the
  /// classes by a labels file.
  case onnx
  /// ``CommandClassifier``: a command in any language speaking the classifier protocol on its
  /// standard input and output; nothing is trained, the crop size is the one it announces.
  case command

  /// Whether training runs in epochs with checkpoints (and can resume); the others train, or
  /// package a network, in one pass.
  public var trainsInEpochs: Bool { self == .cnn }

  /// Whether the model folder holds an ONNX network (``RCNNConfiguration/network``).
  public var usesONNXNetwork: Bool { self == .onnxFeatures || self == .onnx }
}
