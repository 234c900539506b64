import NeuralNet

/// What R-CNN's SVMs and box regressors see of a warped crop: a fixed-length feature vector.
///
/// Girshick et al. (2014) take the activations of a pretrained CNN (pool5 or fc7) for each
/// warped proposal; Dalal and Triggs (2005) a HOG descriptor. ``SVMRegionClassifier`` runs the
/// same pipeline — one linear SVM per class, Platt scaling, ridge box regression — on either:
/// ``HOGDescriptor`` or ``ONNXFeatureExtractor`` (a network trained elsewhere, cut at a named
/// tensor), or a type of yours.
///
///     struct MeanColour: RegionFeatureExtractor {
///       var summary: String { "mean colour" }
///       func features(of regions: Tensor) throws -> Tensor {
///         let (count, plane) = (regions.shape[0], regions.shape[2] * regions.shape[3])
///         var output = Tensor(zeros: [count, 3])
///         for r in 0..<count {
///           for c in 0..<3 {
///             let start = (r * 3 + c) * plane
///             output.data[r * 3 + c] = regions.data[start..<start + plane].reduce(0, +) / Float(plane)
///           }
///         }
///         return output
///       }
///     }
///
/// Requirements: `features(of:)` is deterministic, gives each region the same vector whatever
/// batch it comes in, and may be called from several threads at once.
public protocol RegionFeatureExtractor: Sendable {
  /// A short description for messages and `model info` (`"HOG 9 orientations, 8 px cells"`).
  var summary: String { get }

  /// The feature vectors of a batch of warped crops.
  ///
  /// - Parameter regions: `[R, 3, H, W]`, RGB in `[0, 1]` (`R` may be 0).
  /// - Returns: `[R, d]`, one row of `d` features per region; `d` is the same for every call
  ///   with crops of one size.
  /// - Throws: The extractor's own errors (an input of the wrong size, a network failing).
  func features(of regions: Tensor) throws -> Tensor
}
