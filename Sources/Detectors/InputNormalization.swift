import NeuralNet

/// How a network wants its input pixels: channel order, pixel range, per-channel mean and
/// standard deviation. RegionKit's images and crops are RGB in `[0, 1]`; a network trained
/// elsewhere usually expects something else (torchvision: RGB in `[0, 1]` with ImageNet mean and
/// std; Caffe models: BGR in `[0, 255]` minus a mean).
///
/// Applied per value `v` of channel `c` of the network's order:
/// `(v · pixelRange − mean[c]) / std[c]`.
///
///     let torchvision = InputNormalization.imageNet
///     let caffe = InputNormalization(
///       mean: [103.94, 116.78, 123.68], std: [1, 1, 1], channelOrder: .bgr, pixelRange: 255)
public struct InputNormalization: Sendable, Hashable, Codable {
  /// The order of the three colour planes the network reads.
  public enum ChannelOrder: String, Sendable, Hashable, Codable, CaseIterable {
    /// Red, green, blue (PyTorch, TensorFlow, Keras).
    case rgb
    /// Blue, green, red (Caffe, OpenCV).
    case bgr
  }

  /// Per-channel mean, in the network's channel order and pixel range.
  public var mean: [Float]
  /// Per-channel standard deviation, in the network's channel order and pixel range (positive).
  public var std: [Float]
  /// The channel order. Default: `.rgb`.
  public var channelOrder: ChannelOrder
  /// The value of a full-intensity pixel the network expects: `1` or `255`. Default: `1`.
  public var pixelRange: Float

  /// Creates a normalisation.
  ///
  /// - Parameters:
  ///   - mean: Per-channel mean in the network's channel order and pixel range (3 values).
  ///   - std: Per-channel standard deviation (3 positive values).
  ///   - channelOrder: The order of the colour planes. Default: `.rgb`.
  ///   - pixelRange: The value of a full-intensity pixel. Default: `1`.
  public init(mean: [Float], std: [Float], channelOrder: ChannelOrder = .rgb, pixelRange: Float = 1)
  {
    self.mean = mean
    self.std = std
    self.channelOrder = channelOrder
    self.pixelRange = pixelRange
  }

  /// torchvision's ImageNet statistics: RGB in `[0, 1]`, mean `[0.485, 0.456, 0.406]`, std
  /// `[0.229, 0.224, 0.225]`.
  public static let imageNet = InputNormalization(
    mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

  /// The normalisation of RegionKit's own small networks: RGB in `[0, 1]`, mean 0.5, std 0.25.
  public static let regionKit = InputNormalization(
    mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])

  /// Checks the values: 3 finite means, 3 positive finite standard deviations, a pixel range
  /// of 1 or 255.
  ///
  /// - Parameters:
  ///   - check: The file and key prefix for errors.
  ///   - key: The key the normalisation is stored under (`"normalization"`).
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  package func validate(_ check: ConfigurationCheck, key: String) throws {
    try check.numbers("\(key).mean", mean, count: 3...3, in: -1e4...1e4)
    try check.numbers("\(key).std", std, count: 3...3, in: 1e-6...1e4)
    guard pixelRange == 1 || pixelRange == 255 else {
      throw check.fail("\(key).pixelRange", "\(pixelRange)", allowed: "1 or 255")
    }
  }

  /// Normalises a batch of RGB images with values in `[0, 1]` for the network.
  ///
  /// - Parameter batch: `[N, 3, H, W]`, RGB in `[0, 1]` (RegionKit's crops and images).
  /// - Returns: `[N, 3, H, W]` in the network's channel order, range and statistics.
  /// - Complexity: O(N · H · W).
  public func apply(to batch: Tensor) -> Tensor {
    precondition(batch.rank == 4 && batch.shape[1] == 3, "expected [N, 3, H, W]")
    var result = batch
    let plane = batch.shape[2] * batch.shape[3]
    batch.data.withUnsafeBufferPointer { source in
      result.data.withUnsafeMutableBufferPointer { target in
        for item in 0..<batch.shape[0] {
          for channel in 0..<3 {
            // The network's channel `channel` reads RGB plane `from`.
            let from = channelOrder == .rgb ? channel : 2 - channel
            let scale = pixelRange / std[channel], shift = mean[channel] / std[channel]
            let input = (item * 3 + from) * plane, output = (item * 3 + channel) * plane
            for index in 0..<plane {
              target[output + index] = source[input + index] * scale - shift
            }
          }
        }
      }
    }
    return result
  }
}
