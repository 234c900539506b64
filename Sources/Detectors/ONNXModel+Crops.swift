import NeuralNet
import ONNX

extension ONNXModel {
  /// The side of the square crops the model declares: its one input's fixed `[N, 3, S, S]`
  /// shape; nil when the height or width is left open (any crop size then runs).
  ///
  /// - Throws: ``DetectorsError/unsupportedInput(detector:reason:)`` naming the file when the
  ///   model has more than one input, an input of another rank or channel count, or a fixed
  ///   size that is not square (R-CNN's crops are square).
  public func declaredCropSize() throws -> Int? {
    guard inputs.count == 1 else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn",
        reason: "\(file) has \(inputs.count) inputs; R-CNN feeds one batch of crops [N, 3, S, S]")
    }
    guard let shape = inputs[0].shape else { return nil }
    let text = "[" + shape.map(\.description).joined(separator: ", ") + "]"
    guard shape.count == 4, shape[1].size == nil || shape[1].size == 3 else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn",
        reason: "\(file) takes input \"\(inputs[0].name)\" of shape \(text); R-CNN feeds RGB "
          + "crops [N, 3, S, S]")
    }
    guard let height = shape[2].size, let width = shape[3].size else { return nil }
    guard height == width else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn",
        reason: "\(file) takes \(width)x\(height) inputs (\(text)); R-CNN's crops are square")
    }
    return height
  }

  /// Checks that the model runs on `cropSize` x `cropSize` crops and returns the shape of
  /// `tensor` for one crop.
  ///
  /// - Parameters:
  ///   - tensor: A graph output or an intermediate tensor, by name.
  ///   - cropSize: The crop side in pixels.
  ///   - configurationFile: Where `cropSize` came from, for the error. Default: the command line.
  ///   - key: The name of the crop-size setting there, for the error. Default: `inputSize`.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming `key` when the
  ///   model declares another fixed size; ``/ONNX/ONNXError/unknownTensor(file:tensor:)`` when
  ///   the graph has no such tensor; the model's shape errors for crops it cannot take.
  public func shape(
    of tensor: String, cropSize: Int, configurationFile: String = "the command line",
    key: String = "inputSize"
  ) throws -> [Int] {
    if let declared = try declaredCropSize(), declared != cropSize {
      throw DetectorsError.invalidValue(
        file: configurationFile, key: key, value: "\(cropSize)",
        allowed: "\(declared) (\(file) declares \(declared)x\(declared) inputs)")
    }
    let shapes = try shapes(forInputShape: [1, 3, cropSize, cropSize])
    guard let found = shapes.first(where: { $0.name == tensor }) else {
      throw ONNXError.unknownTensor(file: file, tensor: tensor)
    }
    return found.shape
  }
}
