import Foundation
import RegionKitTestSupport

/// `Fixtures/onnx/rcnn`: a tiny shape classifier trained in PyTorch and its labels
/// (Tools/onnx/make_rcnn_fixtures.py).
enum ShapesClassifierFixture {
  /// Input `[N, 3, 32, 32]`, output `logits` (background, triangle, square, circle), hidden
  /// layer `fc7` (32 features).
  static let modelURL = Fixtures.url("onnx/rcnn/shapes_classifier.onnx")
  /// `__background__, triangle, square, circle`.
  static let labelsURL = Fixtures.url("onnx/rcnn/shapes_classifier.labels.txt")
}
