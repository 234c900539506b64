import NeuralNet

/// The small convolutional backbone of the Fast and Faster R-CNN detectors: 3x3 convolutions
/// with ReLU, each of the first three followed by 2x2 max pooling, so the feature map has
/// stride 8 (16x16 for a 128x128 image, 32x32 for a 256-pixel raccoon image).
///
/// Deliberately small so that the detectors train on two CPU cores in minutes; VGG16 of
/// the papers has stride 16 and 13 convolutions.
public enum DetectionBackbone {
  /// A backbone with the given output channels (one 3x3 convolution each).
  ///
  /// - Parameters:
  ///   - channels: Output channels per convolution, e.g. `[16, 32, 64, 64]`.
  ///   - seed: Seed of the weight initialisation.
  /// - Complexity: per image O(*H* · *W* · Σ *c*ᵢ₋₁ *c*ᵢ · 9 / 4ⁱ).
  public static func make(channels: [Int], seed: UInt64) -> Sequential {
    var layers: [(String, any Layer)] = []
    var input = 3
    for (index, output) in channels.enumerated() {
      layers.append(
        (
          "conv\(index + 1)",
          Conv2d(
            inChannels: input, outChannels: output, kernelSize: 3, padding: 1,
            seed: seed &+ UInt64(index) &* 7)
        ))
      layers.append(("relu\(index + 1)", ReLU()))
      if index < min(3, channels.count - 1) {
        layers.append(("pool\(index + 1)", MaxPool2d(kernelSize: 2)))
      }
      input = output
    }
    return Sequential(named: layers)
  }
}
