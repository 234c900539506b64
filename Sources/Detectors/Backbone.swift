import NeuralNet

/// The feature extractor of Fast and Faster R-CNN: a network input in, a feature map and its
/// stride out.
///
/// The detectors normalise and resize each image (``FastRCNNConfiguration/normalization``,
/// ``FastRCNNConfiguration/maxSide``) into an `[1, 3, H, W]` tensor, ask the backbone for its
/// features `[1, C, h, w]` and pool each proposal's region from them at
/// `1 / stride` of its coordinates; the region proposal network reads the same map, one
/// anchor position per cell.
///
/// Three kinds ship: ``DetectionBackbone`` (RegionKit's small CNN, the default),
/// ``ONNXBackbone`` (a network trained elsewhere, cut at a named tensor) and
/// ``TrainableONNXBackbone`` (the same network rebuilt from NeuralNet layers, to fine-tune).
/// Any Swift type can be one:
///
///     struct GreyLevels: Backbone {
///       var stride: Int { 4 }
///       var outputChannels: Int { 1 }
///       func features(_ input: Tensor) throws -> Tensor {
///         let (height, width) = (input.shape[2], input.shape[3])
///         var output = Tensor(zeros: [1, 1, (height + 3) / 4, (width + 3) / 4])
///         for y in 0..<height {
///           for x in 0..<width {
///             let mean = (0..<3).map { input.data[($0 * height + y) * width + x] }.reduce(0, +) / 3
///             output.data[(y / 4) * output.shape[3] + x / 4] += mean / 16
///           }
///         }
///         return output
///       }
///     }
///     let detector = FastRCNN(configuration: configuration, backbone: GreyLevels(), seed: 1)
///
/// Requirements: `features` is deterministic and may be called from several threads at once;
/// its output has ``outputChannels`` channels and a height and width of about the input's
/// divided by ``stride`` (at least 1). A backbone that also trains conforms to
/// ``TrainableBackbone``.
public protocol Backbone: Sendable {
  /// How many input pixels one step along the feature map's height and width spans.
  var stride: Int { get }

  /// The channels `C` of the feature map.
  var outputChannels: Int { get }

  /// The feature map of a network input.
  ///
  /// - Parameter input: `[1, 3, H, W]`, normalised as the configuration says.
  /// - Returns: `[1, outputChannels, h, w]` with `h ≈ H / stride` and `w ≈ W / stride`.
  /// - Throws: Whatever the backbone's own failures are; detectors pass them on.
  func features(_ input: Tensor) throws -> Tensor
}

/// A ``Backbone`` that can be trained with the detector: a forward pass that keeps what the
/// backward pass needs, the backward pass, and the named parameters.
///
/// Training calls ``forward(_:)`` then ``backward(_:)`` once per image and updates the
/// parameters that ``visitParameters(_:)`` gives (saved as `backbone.<name>` in
/// `model.safetensors`); ``Backbone/features(_:)`` serves detection.
public protocol TrainableBackbone: Backbone {
  /// The feature map, keeping what ``backward(_:)`` needs.
  ///
  /// - Parameter input: `[1, 3, H, W]`.
  /// - Returns: The same as ``Backbone/features(_:)``.
  mutating func forward(_ input: Tensor) throws -> Tensor

  /// Back-propagates the loss gradient of the last ``forward(_:)``'s features into the
  /// parameters (gradients accumulate).
  ///
  /// - Parameter featureGradient: dLoss/dFeatures, the shape of the features.
  mutating func backward(_ featureGradient: Tensor)

  /// Calls `visit` with each trainable parameter and its name (PyTorch style, `conv1.weight`).
  mutating func visitParameters(_ visit: (String, inout Parameter) -> Void)
}

/// The value left in a detector while its backbone is taken out to be mutated (so the
/// mutation does not copy its weights).
struct DetachedBackbone: Backbone {
  var stride: Int { 1 }
  var outputChannels: Int { 0 }
  func features(_ input: Tensor) throws -> Tensor { input }
}
