import Foundation
import NeuralNet

/// The CNN backend of ``RCNN``: a small convolutional network on warped crops with a
/// `K + 1`-way softmax head (column 0 background) and a class-specific box-delta head
/// (`4 (K + 1)` outputs, ``/Boxes/BoxCoder`` deltas), the roles of R-CNN's fine-tuned CNN and
/// of Fast R-CNN's two sibling layers.
///
/// Network, for an `S x S` RGB input in `[0, 1]` (normalised inside as `(x - 0.5) / 0.25`):
/// `channels.count` blocks of conv 3x3 → BatchNorm → ReLU → max-pool 2, adaptive average
/// pool to 4x4, Linear(→ `hiddenFeatures`) → ReLU, then the two heads. Parameter names
/// follow PyTorch (`backbone.0.weight`, `neck.0.weight`, `cls_score.weight`,
/// `bbox_pred.weight`, ...).
///
/// As a ``/NeuralNet/Layer`` its `forward` returns `[N, (K + 1) + 4 (K + 1)]`: the logits
/// followed by the deltas. Train it with DetectorTraining's `RCNNTraining`.
public struct CNNRegionClassifier: RegionClassifier, Layer {
  /// The class names, without background.
  public var classes: [String]
  /// The crop side `S` in pixels.
  public var inputSize: Int
  /// Convolution channels per block. Default: `[16, 32, 64]`.
  public var channels: [Int]
  /// Width of the hidden fully connected layer. Default: 128.
  public var hiddenFeatures: Int
  /// Convolutions.
  public var backbone: Sequential
  /// The hidden fully connected layer.
  public var neck: Sequential
  /// Classification logits, `K + 1`.
  public var classifierHead: Linear
  /// Box deltas, `4 (K + 1)`.
  public var boxHead: Linear

  /// A freshly initialised network.
  ///
  /// - Parameters:
  ///   - classes: The `K` class names.
  ///   - inputSize: The crop side, at least 8. Default: 32.
  ///   - channels: Channels per conv block. Default: `[16, 32, 64]`.
  ///   - hiddenFeatures: Default: 128.
  ///   - seed: The weight-initialisation seed.
  public init(
    classes: [String], inputSize: Int = 32, channels: [Int] = [16, 32, 64],
    hiddenFeatures: Int = 128, seed: UInt64
  ) {
    precondition(inputSize >= 8 && !channels.isEmpty, "CNNRegionClassifier: sizes")
    self.classes = classes
    self.inputSize = inputSize
    self.channels = channels
    self.hiddenFeatures = hiddenFeatures
    var layers: [(String, any Layer)] = []
    var inChannels = 3
    for (block, outChannels) in channels.enumerated() {
      var conv = Conv2d(
        inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
        hasBias: false, seed: seed &+ UInt64(block * 2))
      if block == 0 { conv.computesInputGradient = false }
      let base = block * 4
      layers += [
        ("\(base)", conv), ("\(base + 1)", BatchNorm2d(channels: outChannels)),
        ("\(base + 2)", ReLU()), ("\(base + 3)", MaxPool2d(kernelSize: 2)),
      ]
      inChannels = outChannels
    }
    let last = channels.count * 4
    layers += [
      ("\(last)", AdaptiveAvgPool2d(outputHeight: 4, outputWidth: 4)), ("\(last + 1)", Flatten()),
    ]
    backbone = Sequential(named: layers)
    neck = Sequential(named: [
      ("0", Linear(inFeatures: inChannels * 16, outFeatures: hiddenFeatures, seed: seed &+ 100)),
      ("1", ReLU()),
    ])
    let outputs = classes.count + 1
    classifierHead = Linear(inFeatures: hiddenFeatures, outFeatures: outputs, seed: seed &+ 101)
    boxHead = Linear(inFeatures: hiddenFeatures, outFeatures: 4 * outputs, seed: seed &+ 102)
    boxHead.weight.value = boxHead.weight.value * 0.1
    boxHead.bias?.value = Tensor(zeros: [4 * outputs])
  }

  /// `K + 1`.
  public var outputClasses: Int { classes.count + 1 }

  /// Logits and deltas side by side, `[N, 5 (K + 1)]`.
  public mutating func forward(_ input: Tensor) -> Tensor {
    var normalised = input
    for i in normalised.data.indices { normalised.data[i] = (normalised.data[i] - 0.5) * 4 }
    let hidden = neck.forward(backbone.forward(normalised))
    return join(classifierHead.forward(hidden), boxHead.forward(hidden))
  }

  /// Back-propagates `[N, 5 (K + 1)]` gradients (the input gradient is not computed).
  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    let (logits, deltas) = split(gradientOutput)
    var hidden = classifierHead.backward(logits)
    hidden.add(boxHead.backward(deltas))
    return backbone.backward(neck.backward(hidden))
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    backbone.visitParameters { visit("backbone.\($0)", &$1) }
    neck.visitParameters { visit("neck.\($0)", &$1) }
    classifierHead.visitParameters { visit("cls_score.\($0)", &$1) }
    boxHead.visitParameters { visit("bbox_pred.\($0)", &$1) }
  }

  public mutating func visitBuffers(_ visit: (String, inout Tensor) -> Void) {
    backbone.visitBuffers { visit("backbone.\($0)", &$1) }
  }

  public mutating func setTraining(_ isTraining: Bool) {
    backbone.setTraining(isTraining)
    neck.setTraining(isTraining)
  }

  /// Splits a forward output into logits `[N, K + 1]` and deltas `[N, 4 (K + 1)]`.
  public func split(_ output: Tensor) -> (logits: Tensor, deltas: Tensor) {
    output.splittingColumns(at: outputClasses)
  }

  /// Joins logits and deltas into one `[N, 5 (K + 1)]` tensor.
  public func join(_ logits: Tensor, _ deltas: Tensor) -> Tensor {
    Tensor(concatenatingColumnsOf: logits, deltas)
  }

  /// Softmax probabilities and box deltas of `[R, 3, S, S]` crops (inference mode).
  /// - Complexity: one forward pass.
  public func classify(_ regions: Tensor) throws -> RegionClassification {
    guard regions.rank == 4, regions.shape[1] == 3, regions.shape[2] == inputSize,
      regions.shape[3] == inputSize
    else {
      throw DetectorsError.malformedClassification(
        classifier: "CNNRegionClassifier",
        reason: "input has shape \(regions.shape), expected [R, 3, \(inputSize), \(inputSize)]")
    }
    var network = self
    network.setTraining(false)
    let (logits, deltas) = split(network.forward(regions))
    let k = outputClasses
    var probabilities = logits
    for row in 0..<regions.shape[0] {
      var peak = -Float.infinity
      for j in 0..<k { peak = max(peak, logits.data[row * k + j]) }
      var sum: Float = 0
      for j in 0..<k {
        let e = expf(logits.data[row * k + j] - peak)
        probabilities.data[row * k + j] = e
        sum += e
      }
      for j in 0..<k { probabilities.data[row * k + j] /= sum }
    }
    return RegionClassification(probabilities: probabilities, boxDeltas: deltas)
  }
}
