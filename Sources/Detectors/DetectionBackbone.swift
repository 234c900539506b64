import NeuralNet

/// The small convolutional backbone of the Fast and Faster R-CNN detectors, their default:
/// 3x3 convolutions with ReLU, each of the first three followed by 2x2 max pooling, so the
/// feature map has stride 8 (16x16 for a 128x128 image, 32x32 for a 256-pixel raccoon image).
///
/// Deliberately small so that the detectors train on two CPU cores in minutes; VGG16 of
/// the papers has stride 16 and 13 convolutions. Its parameters are named as the
/// `nn.Sequential` of ``make(channels:seed:)`` (`conv1.weight`, `conv1.bias`, …).
///
///     let backbone = DetectionBackbone(channels: [16, 32, 64, 64], seed: 1)
///     let features = try backbone.features(input)     // [1, 64, H / 8, W / 8]
public struct DetectionBackbone: TrainableBackbone {
  /// Output channels per convolution.
  public let channels: [Int]
  /// The layers, as ``make(channels:seed:)`` builds them.
  public var network: Sequential

  /// Creates a backbone with freshly initialised weights.
  ///
  /// - Parameters:
  ///   - channels: Output channels per convolution (one 3x3 convolution each), e.g.
  ///     `[16, 32, 64, 64]` (``FastRCNNConfiguration/backboneChannels``).
  ///   - seed: Seed of the weight initialisation.
  public init(channels: [Int], seed: UInt64) {
    self.channels = channels
    network = Self.make(channels: channels, seed: seed)
    if var first = network.layers.first as? Conv2d {
      // Images need no gradient.
      first.computesInputGradient = false
      network.layers[0] = first
    }
  }

  /// The stride of `channels.count` convolutions: 2 to the number of pooling layers (8 with
  /// four or more convolutions).
  public static func stride(channels: Int) -> Int { 1 << min(3, max(channels - 1, 0)) }

  public var stride: Int { Self.stride(channels: channels.count) }

  public var outputChannels: Int { channels.last ?? 3 }

  public func features(_ input: Tensor) throws -> Tensor {
    var copy = network
    return copy.forward(input)
  }

  public mutating func forward(_ input: Tensor) throws -> Tensor { network.forward(input) }

  public mutating func backward(_ featureGradient: Tensor) {
    _ = network.backward(featureGradient)
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    network.visitParameters(visit)
  }

  /// A backbone network with the given output channels (one 3x3 convolution each).
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
