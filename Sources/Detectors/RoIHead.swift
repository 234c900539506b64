import Foundation
import NeuralNet

/// The Fast R-CNN head on pooled RoI features: two fully connected layers with ReLU, then a
/// `K+1`-way classifier (column 0 background) and class-specific box deltas `4(K+1)`
/// (Girshick 2015, §2; torchvision's `TwoMLPHead` + `FastRCNNPredictor`).
///
/// It is a ``RegionClassifier`` whose regions are pooled feature maps `[R, C, P, P]` (from
/// RoIPool or RoIAlign on the backbone's features), so the shared
/// ``DetectionPostprocessor`` turns its output into detections.
public struct RoIHead: RegionClassifier, Sendable {
  public var classes: [String]
  var fc1: Linear
  var fc2: Linear
  var relu1 = ReLU()
  var relu2 = ReLU()
  var classifier: Linear
  var boxRegressor: Linear

  /// Creates a head.
  ///
  /// - Parameters:
  ///   - classes: Class names without background (`K`).
  ///   - inputFeatures: `C · P · P` of the pooled features.
  ///   - hiddenSize: Width of the two fully connected layers.
  ///   - seed: Seed of the initialisation (the box regressor starts near 0, as torchvision's
  ///     normal(0, 0.001)).
  public init(classes: [String], inputFeatures: Int, hiddenSize: Int, seed: UInt64) {
    self.classes = classes
    let outputs = classes.count + 1
    fc1 = Linear(inFeatures: inputFeatures, outFeatures: hiddenSize, seed: seed)
    fc2 = Linear(inFeatures: hiddenSize, outFeatures: hiddenSize, seed: seed &+ 1)
    classifier = Linear(inFeatures: hiddenSize, outFeatures: outputs, seed: seed &+ 2)
    boxRegressor = Linear(inFeatures: hiddenSize, outFeatures: 4 * outputs, seed: seed &+ 3)
    boxRegressor.weight.value = boxRegressor.weight.value * 0.01
    if var bias = boxRegressor.bias {
      bias.value.zero()
      boxRegressor.bias = bias
    }
  }

  /// Logits `[R, K+1]` and box deltas `[R, 4(K+1)]` of pooled features `[R, C, P, P]`; keeps
  /// what ``backward(logits:deltas:)`` needs.
  public mutating func forward(_ pooled: Tensor) -> (logits: Tensor, deltas: Tensor) {
    let rows = pooled.shape[0]
    let flat = pooled.reshaped([rows, pooled.count / max(rows, 1)])
    let hidden = relu2.forward(fc2.forward(relu1.forward(fc1.forward(flat))))
    return (classifier.forward(hidden), boxRegressor.forward(hidden))
  }

  /// Back-propagates the loss gradients of the logits and deltas; returns the gradient of the
  /// pooled features (flattened `[R, C·P·P]`; reshape to the pooled shape).
  public mutating func backward(logits: Tensor, deltas: Tensor) -> Tensor {
    var hidden = classifier.backward(logits)
    hidden.add(boxRegressor.backward(deltas))
    return fc1.backward(relu1.backward(fc2.backward(relu2.backward(hidden))))
  }

  /// Softmax probabilities and box deltas of pooled features `[R, C, P, P]`.
  public func classify(_ regions: Tensor) throws -> RegionClassification {
    var copy = self
    guard regions.shape[0] > 0 else {
      return RegionClassification(
        probabilities: Tensor(zeros: [0, classes.count + 1]),
        boxDeltas: Tensor(zeros: [0, 4 * (classes.count + 1)]))
    }
    let (logits, deltas) = copy.forward(regions)
    return RegionClassification(probabilities: Self.softmax(logits), boxDeltas: deltas)
  }

  /// Row-wise softmax of `[R, C]` logits.
  public static func softmax(_ logits: Tensor) -> Tensor {
    var result = logits
    let columns = logits.shape[1]
    for row in 0..<logits.shape[0] {
      let base = row * columns
      var largest = -Float.infinity
      for c in 0..<columns { largest = max(largest, logits.data[base + c]) }
      var sum: Float = 0
      for c in 0..<columns {
        let e = expf(logits.data[base + c] - largest)
        result.data[base + c] = e
        sum += e
      }
      for c in 0..<columns { result.data[base + c] /= sum }
    }
    return result
  }

  /// Visits the parameters with PyTorch-style names (`fc1.weight`, `cls_score.bias`, ...).
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    fc1.visitParameters { visit("fc1.\($0)", &$1) }
    fc2.visitParameters { visit("fc2.\($0)", &$1) }
    classifier.visitParameters { visit("cls_score.\($0)", &$1) }
    boxRegressor.visitParameters { visit("bbox_pred.\($0)", &$1) }
  }
}
