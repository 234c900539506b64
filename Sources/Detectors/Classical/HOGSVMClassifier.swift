import Imaging
import NeuralNet

/// The classical R-CNN backend: HOG features of each warped crop, one linear SVM per class
/// (one-vs-rest), Platt-calibrated probabilities and ridge-regression box deltas.
///
/// Probabilities: class `k`'s column is the Platt sigmoid of its SVM score (one-vs-rest,
/// so the class columns need not sum to one); the background column 0 is `1 - max` of the
/// class columns. ``DetectionPostprocessor`` only thresholds and ranks the class columns.
///
/// Box deltas: class `k`'s four columns are its ``RidgeRegression`` on the same HOG
/// features (Girshick et al. 2014, appendix C); the background's are zero.
///
/// Build one with DetectorTraining's `RCNNTraining` or from saved tensors.
public struct HOGSVMClassifier: RegionClassifier {
  /// The class names, without background.
  public var classes: [String]
  /// The feature extractor.
  public var hog: HOGDescriptor
  /// One SVM per class.
  public var machines: [LinearSVM]
  /// One sigmoid per class.
  public var calibrations: [PlattScaling]
  /// One 4-output regression per class, or none (no box deltas).
  public var regressors: [RidgeRegression]?

  /// A classifier from its parts (one machine and calibration per class).
  public init(
    classes: [String], hog: HOGDescriptor, machines: [LinearSVM], calibrations: [PlattScaling],
    regressors: [RidgeRegression]? = nil
  ) {
    precondition(machines.count == classes.count && calibrations.count == classes.count)
    precondition(regressors.map { $0.count == classes.count } ?? true)
    self.classes = classes
    self.hog = hog
    self.machines = machines
    self.calibrations = calibrations
    self.regressors = regressors
  }

  /// HOG features of every region of a `[R, C, H, W]` batch.
  public func features(_ regions: Tensor) -> [[Float]] {
    HOGSVMClassifier.features(of: regions, hog: hog)
  }

  /// HOG features of every region of a `[R, C, H, W]` batch with the given descriptor.
  public static func features(of regions: Tensor, hog: HOGDescriptor) -> [[Float]] {
    precondition(regions.rank == 4, "HOGSVMClassifier: regions must be [R, C, H, W]")
    let (count, channels, height, width) = (
      regions.shape[0], regions.shape[1], regions.shape[2], regions.shape[3]
    )
    return (0..<count).map { r in
      var pixels = [Float](repeating: 0, count: channels * height * width)
      let base = r * channels * height * width
      for c in 0..<channels {
        for p in 0..<(height * width) {
          pixels[p * channels + c] = regions.data[base + c * height * width + p]
        }
      }
      return hog.features(
        of: Image(width: width, height: height, channels: channels, pixels: pixels))
    }
  }

  /// Scores the regions; see the type's documentation.
  /// - Complexity: O(R · (H·W·C + K·d)) for `d` HOG features.
  public func classify(_ regions: Tensor) throws -> RegionClassification {
    try classify(features: features(regions))
  }

  /// Scores precomputed HOG features.
  public func classify(features: [[Float]]) throws -> RegionClassification {
    let k = classes.count
    var probabilities = Tensor(zeros: [features.count, k + 1])
    var deltas = regressors.map { _ in Tensor(zeros: [features.count, 4 * (k + 1)]) }
    for (r, x) in features.enumerated() {
      guard x.count == machines.first?.weights.count else {
        throw DetectorsError.malformedClassification(
          classifier: "HOGSVMClassifier",
          reason: "a crop gives \(x.count) HOG features, the SVMs take "
            + "\(machines.first?.weights.count ?? 0)")
      }
      var best: Float = 0
      for c in 0..<k {
        let p = calibrations[c].probability(machines[c].score(x))
        probabilities.data[r * (k + 1) + c + 1] = p
        best = max(best, p)
        if let regressors {
          let delta = regressors[c].predict(x)
          for j in 0..<4 { deltas!.data[r * 4 * (k + 1) + 4 * (c + 1) + j] = delta[j] }
        }
      }
      probabilities.data[r * (k + 1)] = 1 - best
    }
    return RegionClassification(probabilities: probabilities, boxDeltas: deltas)
  }
}
