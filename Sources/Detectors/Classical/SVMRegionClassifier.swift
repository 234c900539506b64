import NeuralNet

/// R-CNN's classical region classifier (Girshick et al. 2014, §2.3 and appendix C): a feature
/// vector of each warped crop, one linear SVM per class (one-vs-rest), Platt-calibrated
/// probabilities and ridge-regression box deltas.
///
/// The features come from any ``RegionFeatureExtractor``: ``HOGDescriptor`` (the hog-svm
/// backend, Dalal & Triggs 2005) or ``ONNXFeatureExtractor`` (onnx-features: a network trained
/// elsewhere, cut at a named tensor, as the paper's pool5 / fc7 features). Each vector is
/// multiplied by ``featureScale`` before the SVMs and regressors see it.
///
/// Probabilities: class `k`'s column is the Platt sigmoid of its SVM score (one-vs-rest, so the
/// class columns need not sum to one); the background column 0 is `1 - max` of the class
/// columns. ``DetectionPostprocessor`` only thresholds and ranks the class columns.
///
/// Box deltas: class `k`'s four columns are its ``RidgeRegression`` on the same features; the
/// background's are zero.
///
///     let classifier = try SVMRegionClassifier(
///       classes: ["cat"], extractor: HOGDescriptor(), machines: [svm], calibrations: [platt])
///     let answer = try classifier.classify(crops)   // [R, 2] probabilities
///
/// Train one with DetectorTraining's `RCNNTrainer.trainSVMs` or build one from saved tensors.
public struct SVMRegionClassifier: RegionClassifier {
  /// The class names, without background.
  public var classes: [String]
  /// The feature extractor.
  public var extractor: any RegionFeatureExtractor
  /// Every feature vector is multiplied by this before scoring. Default: `1`. R-CNN scales
  /// network features so their mean norm on the training set is 20
  /// (``RCNNConfiguration/featureNorm``).
  public var featureScale: Float
  /// One SVM per class.
  public var machines: [LinearSVM]
  /// One sigmoid per class.
  public var calibrations: [PlattScaling]
  /// One 4-output regression per class, or none (no box deltas).
  public var regressors: [RidgeRegression]?

  /// A classifier from its parts (one machine and calibration per class, and one regression
  /// per class when given), all on the same `d` features.
  ///
  /// - Parameters:
  ///   - classes: The `K` class names, without background.
  ///   - extractor: The feature extractor.
  ///   - featureScale: The factor applied to every feature vector. Default: `1`.
  ///   - machines: `K` linear SVMs on `d` features.
  ///   - calibrations: `K` Platt sigmoids.
  ///   - regressors: `K` ridge regressions from `d` features to four box deltas, or nil
  ///     (default) for none.
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` when a count or
  ///   a size differs from the above.
  public init(
    classes: [String], extractor: any RegionFeatureExtractor, featureScale: Float = 1,
    machines: [LinearSVM], calibrations: [PlattScaling], regressors: [RidgeRegression]? = nil
  ) throws {
    self.classes = classes
    self.extractor = extractor
    self.featureScale = featureScale
    self.machines = machines
    self.calibrations = calibrations
    self.regressors = regressors
    if let problem = inconsistency {
      throw DetectorsError.malformedClassification(
        classifier: "SVMRegionClassifier", reason: problem)
    }
  }

  /// What does not fit together (counts per class, feature counts), or nil.
  var inconsistency: String? {
    let k = classes.count, d = featureCount
    guard machines.count == k, calibrations.count == k else {
      return "\(machines.count) SVMs and \(calibrations.count) calibrations for \(k) classes"
    }
    if let c = machines.firstIndex(where: { $0.weights.count != d }) {
      return "the SVM of \(classes[c]) has \(machines[c].weights.count) weights, the first \(d)"
    }
    if let regressors {
      guard regressors.count == k else {
        return "\(regressors.count) box regressors for \(k) classes"
      }
      if let c = regressors.firstIndex(where: {
        $0.featureCount != d || $0.outputCount != 4 || $0.weights.count != 4 * d
          || $0.biases.count != 4
      }) {
        return "the box regressor of \(classes[c]) maps \(regressors[c].featureCount) features to "
          + "\(regressors[c].outputCount) values, expected \(d) to 4"
      }
    }
    return nil
  }

  /// The number of features the SVMs take.
  public var featureCount: Int { machines.first?.weights.count ?? 0 }

  /// Scores the regions; see the type's documentation.
  ///
  /// - Parameter regions: `[R, 3, H, W]` warped crops, RGB in `[0, 1]`.
  /// - Throws: The extractor's errors, and
  ///   ``DetectorsError/malformedClassification(classifier:reason:)`` when it gives another
  ///   number of features than the SVMs take.
  /// - Complexity: the extractor's, plus O(R · K · d) for `d` features.
  public func classify(_ regions: Tensor) throws -> RegionClassification {
    try classify(features: try extractor.features(of: regions))
  }

  /// Scores precomputed (unscaled) features.
  ///
  /// - Parameter features: `[R, d]`, as ``extractor`` gives them.
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` when `d` is not
  ///   ``featureCount``.
  public func classify(features: Tensor) throws -> RegionClassification {
    let k = classes.count, d = featureCount
    guard features.rank == 2, features.shape[1] == d else {
      throw DetectorsError.malformedClassification(
        classifier: "SVMRegionClassifier",
        reason: "\(extractor.summary) gives features of shape \(features.shape), the SVMs take "
          + "[R, \(d)]")
    }
    let count = features.shape[0]
    var probabilities = Tensor(zeros: [count, k + 1])
    var deltas = regressors.map { _ in Tensor(zeros: [count, 4 * (k + 1)]) }
    var x = [Float](repeating: 0, count: d)
    for r in 0..<count {
      for j in 0..<d { x[j] = features.data[r * d + j] * featureScale }
      var best: Float = 0
      for c in 0..<k {
        let p = calibrations[c].probability(machines[c].score(x))
        probabilities.data[r * (k + 1) + c + 1] = p
        best = max(best, p)
        if let regressors {
          let delta = regressors[c].predict(x)
          for j in 0..<4 { deltas?.data[r * 4 * (k + 1) + 4 * (c + 1) + j] = delta[j] }
        }
      }
      probabilities.data[r * (k + 1)] = 1 - best
    }
    return RegionClassification(probabilities: probabilities, boxDeltas: deltas)
  }
}
