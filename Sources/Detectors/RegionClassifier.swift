import NeuralNet

/// The plug-in point of the R-CNN family: anything that scores a batch of regions.
///
/// A detector hands its classifier one tensor per batch of regions, `[R, C, H, W]` (NCHW,
/// Float32): warped RGB crops in `[0, 1]` for ``DetectorArchitecture`` R-CNN, pooled
/// feature maps for Fast and Faster R-CNN. The classifier answers with one score per class
/// and region, background included (rows need not sum to 1: see
/// ``RegionClassification/probabilities``), and optionally class-specific box deltas.
///
///     struct RedThings: RegionClassifier {
///       var classes: [String] { ["red-thing"] }
///       func classify(_ regions: Tensor) throws -> RegionClassification {
///         let count = regions.shape[0], plane = regions.shape[2] * regions.shape[3]
///         var probabilities = Tensor(zeros: [count, 2])
///         for r in 0..<count {
///           let red = regions.data[(r * 3) * plane..<(r * 3 + 1) * plane].reduce(0, +) / Float(plane)
///           probabilities.data[r * 2 + 1] = red
///           probabilities.data[r * 2] = 1 - red
///         }
///         return RegionClassification(probabilities: probabilities)
///       }
///     }
///
/// Requirements: `classify` is deterministic (the same regions give the same output) and
/// does not depend on how regions are split into batches; it may be called from several
/// threads at once (take a copy of a network before running its mutating `forward`).
public protocol RegionClassifier: Sendable {
  /// The object classes in label order: label `i + 1` is `classes[i]`; label `0` is background.
  var classes: [String] { get }

  /// Scores a batch of regions.
  ///
  /// - Parameter regions: `[R, C, H, W]`, one region per row (`R` may be 0).
  /// - Returns: `[R, K + 1]` probabilities for `K = classes.count`, and optionally
  ///   `[R, 4 (K + 1)]` box deltas.
  /// - Throws: whatever the classifier's own failures are; detectors pass them on.
  func classify(_ regions: Tensor) throws -> RegionClassification
}

/// What a ``RegionClassifier`` says about a batch of `R` regions and `K` object classes.
public struct RegionClassification: Sendable, Equatable {
  /// `[R, K + 1]` class scores; column 0 is background. Each class column is read on its own
  /// (``DetectionPostprocessor`` thresholds it and reports it as the detection's score), so
  /// rows need not sum to 1: softmax outputs do, one-vs-rest scores (SVMs with Platt scaling)
  /// do not. Column 0 is never read; values should lie in `[0, 1]` for scores to be
  /// comparable with the threshold, and must be finite.
  public var probabilities: Tensor

  /// `[R, 4 (K + 1)]` class-specific box deltas `(dx, dy, dw, dh)` per class, column block
  /// `4k..<4k+4` for label `k` (block 0, background, is ignored), encoded against the region's
  /// own box by the detector's `BoxCoder` (torchvision weights 10, 10, 5, 5 by default).
  /// `nil` when the classifier does not regress boxes: detections keep the region's box.
  public var boxDeltas: Tensor?

  /// Creates a classification.
  ///
  /// - Parameters:
  ///   - probabilities: `[R, K + 1]` class probabilities, background first.
  ///   - boxDeltas: `[R, 4 (K + 1)]` class-specific deltas, or `nil` (default).
  public init(probabilities: Tensor, boxDeltas: Tensor? = nil) {
    self.probabilities = probabilities
    self.boxDeltas = boxDeltas
  }

  /// The number of regions, `R`.
  public var regionCount: Int { probabilities.rank == 2 ? probabilities.shape[0] : 0 }

  /// Checks the shapes against `regionCount` regions and `classCount` object classes.
  ///
  /// - Parameters:
  ///   - regionCount: The `R` the classifier was given.
  ///   - classCount: `K`, the classifier's number of object classes.
  ///   - classifier: A name for the error message.
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` naming the shape.
  public func validate(regionCount: Int, classCount: Int, classifier: String) throws {
    let expected = [regionCount, classCount + 1]
    guard probabilities.shape == expected else {
      throw DetectorsError.malformedClassification(
        classifier: classifier,
        reason: "probabilities have shape \(probabilities.shape), expected \(expected)")
    }
    if let boxDeltas, boxDeltas.shape != [regionCount, 4 * (classCount + 1)] {
      throw DetectorsError.malformedClassification(
        classifier: classifier,
        reason:
          "box deltas have shape \(boxDeltas.shape), expected \([regionCount, 4 * (classCount + 1)])"
      )
    }
    if let bad = probabilities.data.first(where: { !$0.isFinite }) {
      throw DetectorsError.malformedClassification(
        classifier: classifier, reason: "a probability is \(bad)")
    }
  }
}
