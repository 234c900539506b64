import Detectors
import Foundation
import NeuralNet
import ONNX
import ProposalIO
import RegionKitTestSupport

/// `Fixtures/onnx/rcnn`: a tiny shape classifier trained in PyTorch (Tools/onnx/make_rcnn_fixtures.py),
/// its labels, four sample crops and onnxruntime's values for them.
enum ShapesClassifierFixture {
  /// The network with a logits output (`logits`, intermediate `pool5` and `fc7`).
  static let logitsURL = Fixtures.url("onnx/rcnn/shapes_classifier.onnx")
  /// The same network ending in a Softmax node (`probabilities`).
  static let softmaxURL = Fixtures.url("onnx/rcnn/shapes_classifier_softmax.onnx")
  /// `__background__, triangle, square, circle`.
  static let labelsURL = Fixtures.url("onnx/rcnn/shapes_classifier.labels.txt")
  /// The dataset's classes, in another order than the labels.
  static let classes = ["circle", "square", "triangle"]

  static func logits() throws -> ONNXModel { try ONNXModel(contentsOf: logitsURL) }
  static func softmax() throws -> ONNXModel { try ONNXModel(contentsOf: softmaxURL) }
  static func labels() throws -> [String] { try ClassifierLabels.read(contentsOf: labelsURL) }

  /// `shapes_classifier.<name>.npy` as a tensor.
  static func array(_ name: String) throws -> Tensor {
    let array = try NPYArray(contentsOf: Fixtures.url("onnx/rcnn/shapes_classifier.\(name).npy"))
    return Tensor(shape: array.shape, data: array.values)
  }
}
