/// The region classifier an R-CNN model folder holds.
public enum RCNNBackend: String, Sendable, Hashable, Codable, CaseIterable {
  /// ``HOGSVMClassifier``: HOG + one linear SVM per class + ridge box regression.
  case hogSVM = "hog-svm"
  /// ``CNNRegionClassifier``: a small CNN with softmax and box-delta heads.
  case cnn
  /// ``CommandClassifier``: a command in any language speaking the classifier protocol on its
  /// standard input and output; nothing is trained, the crop size is the one it announces.
  case command
}
