import Detectors

extension RCNNTraining {
  /// For the command backend: the command started, its classes checked against the dataset's
  /// (in label order). `nil` for the other backends.
  ///
  /// - Throws: The errors of ``Detectors/CommandClassifier/init(_:)``, and a
  ///   ``Detectors/CommandClassifierProblem/handshakeMismatch(key:announced:expected:source:)``
  ///   when the classes differ.
  static func startCommand(_ configuration: RCNNConfiguration, classes: [String]) throws
    -> CommandClassifier?
  {
    guard configuration.backend == .command else { return nil }
    guard let settings = configuration.command else {
      throw DetectorsError.invalidValue(
        file: "the configuration", key: "command", value: "missing",
        allowed: "the classifier command's settings for backend command")
    }
    let classifier = try CommandClassifier(settings)
    try classifier.checkHandshake(classes: classes, cropSize: nil, source: "the dataset")
    return classifier
  }
}
