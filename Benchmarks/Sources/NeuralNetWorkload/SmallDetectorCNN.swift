import NeuralNet

/// The benchmark model: a four-stage CNN backbone, RoIAlign on fixed boxes and two fully
/// connected layers, trained one step (forward + backward) on a seeded batch.
///
/// Backbone: conv3x3(3→32) ReLU maxpool2, conv3x3(32→64) ReLU maxpool2,
/// conv3x3(64→128) ReLU maxpool2, conv3x3(128→128) ReLU (stride 8 overall); RoIAlign 7x7 at
/// scale 1/8 (sampling ratio 2, aligned) on 64 boxes; fc 6272→256, ReLU, fc 256→10;
/// cross-entropy. `Tools/peers/nn_peer.py` builds the same model in PyTorch.
public struct SmallDetectorCNN: Sendable {
  public var backbone: Sequential
  public var roiAlign = RoIAlign(outputHeight: 7, outputWidth: 7, spatialScale: 1.0 / 8, samplingRatio: 2, aligned: true)
  public var head: Sequential
  public let images: Tensor
  public let rois: Tensor
  public let labels: [Int]

  /// - Parameters:
  ///   - batch: images per batch. Default: 16.
  ///   - size: image side, in pixels. Default: 128.
  ///   - boxes: RoIs. Default: 64.
  public init(batch: Int = 16, size: Int = 128, boxes: Int = 64) {
    // The images need no gradient (as in PyTorch, where they do not require grad).
    var first = Conv2d(inChannels: 3, outChannels: 32, kernelSize: 3, padding: 1, seed: 1)
    first.computesInputGradient = false
    backbone = Sequential([
      first, ReLU(), MaxPool2d(kernelSize: 2),
      Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, padding: 1, seed: 2), ReLU(), MaxPool2d(kernelSize: 2),
      Conv2d(inChannels: 64, outChannels: 128, kernelSize: 3, padding: 1, seed: 3), ReLU(), MaxPool2d(kernelSize: 2),
      Conv2d(inChannels: 128, outChannels: 128, kernelSize: 3, padding: 1, seed: 4), ReLU(),
    ])
    head = Sequential([
      Flatten(), Linear(inFeatures: 128 * 7 * 7, outFeatures: 256, seed: 5), ReLU(),
      Linear(inFeatures: 256, outFeatures: 10, seed: 6),
    ])
    images = WeightInitialization.uniform(shape: [batch, 3, size, size], bound: 1, seed: 7)
    rois = Self.boxes(count: boxes, batch: batch, size: size)
    labels = (0..<boxes).map { $0 % 10 }
  }

  /// The RoIs `(batchIndex, x1, y1, x2, y2)`: a fixed arithmetic pattern (the PyTorch peer
  /// uses the same formula).
  public static func boxes(count: Int, batch: Int, size: Int) -> Tensor {
    var data: [Float] = []
    for i in 0..<count {
      let width = Float(16 + (i * 11) % (size / 2)), height = Float(16 + (i * 7) % (size / 2))
      let x1 = Float((i * 37) % (size / 2)), y1 = Float((i * 53) % (size / 2))
      data += [Float(i % batch), x1, y1, x1 + width, y1 + height]
    }
    return Tensor(shape: [count, 5], data: data)
  }

  /// One forward and backward pass; returns the loss.
  @discardableResult
  public mutating func trainingStep() -> Float {
    let features = backbone.forward(images)
    let pooled = roiAlign.forward(features, rois: rois)
    let loss = crossEntropy(head.forward(pooled), labels: labels)
    let gradientPooled = head.backward(loss.gradient)
    _ = backbone.backward(roiAlign.backward(gradientPooled))
    backbone.zeroGradients()
    head.zeroGradients()
    return loss.value
  }
}
