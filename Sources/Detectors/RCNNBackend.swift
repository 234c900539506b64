/// The region classifier an R-CNN model folder holds.
public enum RCNNBackend: String, Sendable, Hashable, Codable, CaseIterable {
  /// ``HOGSVMClassifier``: HOG + one linear SVM per class + ridge box regression.
  case hogSVM = "hog-svm"
  /// ``CNNRegionClassifier``: a small CNN with softmax and box-delta heads.
  case cnn
}
