import Boxes
import Foundation
import NeuralNet

/// A one-object detector: a small CNN backbone and two heads, one giving class scores and one
/// giving a single box per image.
///
/// The backbone is four blocks of 3x3 conv, batch norm, ReLU and 2x2 max-pool, followed by an
/// adaptive average pool to 4x4 (so the flattened features keep coarse position) and a shared
/// fully connected layer with ReLU. The classification head is a linear layer with one output
/// per class (plus background when configured); the box head is a linear layer with four
/// outputs in the normalised `(cx, cy, w, h)` encoding of
/// ``ClassifyAndLocalizeConfiguration/normalizedCenterSize``.
///
/// As a ``/NeuralNet/Layer``, ``forward(_:)`` returns `[N, classes + 4]`: the logits, then the
/// box. Use ``predictions(_:)`` to split and decode them.
///
///     var model = ClassifyAndLocalize(configuration: configuration, seed: 1)
///     let outputs = model.forward(batch)        // [N, classes + 4]
///     let best = model.predictions(outputs)     // label, score, normalised box per row
///
/// Parameter names follow PyTorch's `nn.Sequential` (`backbone.0.weight`, `backbone.1.running_mean`,
/// `neck.0.weight`, `cls_head.weight`, `box_head.weight`), so a PyTorch module built the same way
/// loads the same safetensors file.
///
/// Reference: the "classification + localization" network of the Stanford CS231n lectures
/// (2016), trained with a weighted sum of cross-entropy and box regression losses.
public struct ClassifyAndLocalize: Layer {
  /// The configuration the layers were built from.
  public let configuration: ClassifyAndLocalizeConfiguration
  /// The convolutional blocks, the 4x4 pool and the flatten.
  public var backbone: Sequential
  /// The shared fully connected layer and its ReLU.
  public var neck: Sequential
  /// The classification head.
  public var classifierHead: Linear
  /// The box head.
  public var boxHead: Linear

  /// Builds a freshly initialised model.
  ///
  /// - Parameters:
  ///   - configuration: Sizes and classes.
  ///   - seed: Seed of the weight initialisation (PyTorch's default uniform bounds).
  public init(configuration: ClassifyAndLocalizeConfiguration, seed: UInt64) {
    self.configuration = configuration
    var layers: [(String, any Layer)] = []
    var inChannels = 3
    for (block, outChannels) in configuration.channels.enumerated() {
      var conv = Conv2d(
        inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
        hasBias: false, seed: seed &+ UInt64(block * 2))
      // No gradient is needed for the input images.
      if block == 0 { conv.computesInputGradient = false }
      let base = block * 4
      layers += [
        ("\(base)", conv), ("\(base + 1)", BatchNorm2d(channels: outChannels)),
        ("\(base + 2)", ReLU()),
        ("\(base + 3)", MaxPool2d(kernelSize: 2)),
      ]
      inChannels = outChannels
    }
    layers += [("16", AdaptiveAvgPool2d(outputHeight: 4, outputWidth: 4)), ("17", Flatten())]
    backbone = Sequential(named: layers)
    neck = Sequential(named: [
      (
        "0",
        Linear(
          inFeatures: inChannels * 16, outFeatures: configuration.hiddenFeatures, seed: seed &+ 100)
      ),
      ("1", ReLU()),
    ])
    classifierHead = Linear(
      inFeatures: configuration.hiddenFeatures, outFeatures: configuration.outputClasses,
      seed: seed &+ 101)
    boxHead = Linear(inFeatures: configuration.hiddenFeatures, outFeatures: 4, seed: seed &+ 102)
    // Start the box head at the whole-image-centred box (0.5, 0.5, 0.5, 0.5) with small weights.
    boxHead.weight.value = boxHead.weight.value * 0.1
    boxHead.bias?.value = Tensor(shape: [4], data: [0.5, 0.5, 0.5, 0.5])
  }

  /// Runs the network on `[N, 3, inputHeight, inputWidth]` normalised images.
  ///
  /// - Parameter input: The batch (RGB normalised by the configuration's mean and std).
  /// - Returns: `[N, classes + 4]`: logits, then `(cx, cy, w, h)`.
  public mutating func forward(_ input: Tensor) -> Tensor {
    let hidden = neck.forward(backbone.forward(input))
    let logits = classifierHead.forward(hidden)
    let boxes = boxHead.forward(hidden)
    return join(logits, boxes)
  }

  /// Back-propagates the gradient of `[N, classes + 4]` outputs, accumulating parameter
  /// gradients.
  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    let (logitsGradient, boxGradient) = split(gradientOutput)
    var hiddenGradient = classifierHead.backward(logitsGradient)
    hiddenGradient.add(boxHead.backward(boxGradient))
    return backbone.backward(neck.backward(hiddenGradient))
  }

  /// Back-propagates a ``ClassifyAndLocalizeLoss``'s gradients.
  public mutating func backward(_ loss: ClassifyAndLocalizeLoss) {
    _ = backward(join(loss.logitsGradient, loss.boxGradient))
  }

  /// Visits the parameters under PyTorch-style names (`backbone.0.weight`, `cls_head.bias`, ...).
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    backbone.visitParameters { visit("backbone.\($0)", &$1) }
    neck.visitParameters { visit("neck.\($0)", &$1) }
    classifierHead.visitParameters { visit("cls_head.\($0)", &$1) }
    boxHead.visitParameters { visit("box_head.\($0)", &$1) }
  }

  /// Visits the batch-norm buffers (`backbone.1.running_mean`, ...).
  public mutating func visitBuffers(_ visit: (String, inout Tensor) -> Void) {
    backbone.visitBuffers { visit("backbone.\($0)", &$1) }
  }

  /// Switches batch norm between batch statistics (training) and running statistics.
  public mutating func setTraining(_ isTraining: Bool) {
    backbone.setTraining(isTraining)
    neck.setTraining(isTraining)
  }

  /// Splits `[N, classes + 4]` outputs into logits `[N, classes]` and boxes `[N, 4]`.
  public func split(_ output: Tensor) -> (logits: Tensor, boxes: Tensor) {
    let classes = configuration.outputClasses
    precondition(
      output.shape == [output.shape[0], classes + 4],
      "ClassifyAndLocalize.split: shape \(output.shape)")
    return output.splittingColumns(at: classes)
  }

  /// Joins logits `[N, classes]` and boxes `[N, 4]` into `[N, classes + 4]`.
  public func join(_ logits: Tensor, _ boxes: Tensor) -> Tensor {
    Tensor(concatenatingColumnsOf: logits, boxes)
  }

  /// One prediction of the model for one image.
  public struct Prediction: Sendable, Hashable {
    /// The predicted object class in `0..<classes.count`, or nil for background.
    public var label: Int?
    /// The softmax probability of the predicted class (or of background).
    public var score: Float
    /// The predicted box in unit coordinates (the image is `[0, 0, 1, 1]`), clipped to it.
    public var box: Box

    /// Creates a prediction; every parameter is the property of the same name.
    public init(label: Int?, score: Float, box: Box) {
      self.label = label
      self.score = score
      self.box = box
    }

    /// The box in pixels of an image of the given size.
    public func box(width: Int, height: Int) -> Box {
      Box(
        x1: box.x1 * Float(width), y1: box.y1 * Float(height), x2: box.x2 * Float(width),
        y2: box.y2 * Float(height))
    }
  }

  /// Decodes `[N, classes + 4]` outputs: the arg-max class with its softmax probability and the
  /// box converted from `(cx, cy, w, h)` to corners in unit coordinates, clipped to `[0, 1]`.
  public func predictions(_ output: Tensor) -> [Prediction] {
    let (logits, boxes) = split(output)
    let classes = configuration.outputClasses
    return (0..<output.shape[0]).map { row in
      let scores = Array(logits.data[(row * classes)..<((row + 1) * classes)])
      let maximum = scores.max() ?? 0
      let exponentials = scores.map { exp($0 - maximum) }
      let total = exponentials.reduce(0, +)
      let best = scores.firstIndex(of: maximum) ?? 0
      let label: Int? = configuration.includesBackground ? (best == 0 ? nil : best - 1) : best
      let encoded = Array(boxes.data[(row * 4)..<(row * 4 + 4)])
      return Prediction(
        label: label, score: exponentials[best] / total, box: Self.decode(encoded))
    }
  }

  /// Converts normalised `(cx, cy, w, h)` to a unit-coordinate box clipped to `[0, 1]`
  /// (negative sizes count as 0).
  public static func decode(_ encoded: [Float]) -> Box {
    let halfWidth = max(encoded[2], 0) / 2, halfHeight = max(encoded[3], 0) / 2
    func clip(_ value: Float) -> Float { min(max(value, 0), 1) }
    return Box(
      x1: clip(encoded[0] - halfWidth), y1: clip(encoded[1] - halfHeight),
      x2: clip(encoded[0] + halfWidth), y2: clip(encoded[1] + halfHeight))
  }

  /// Converts a unit-coordinate box to normalised `(cx, cy, w, h)`.
  public static func encode(_ box: Box) -> [Float] {
    [(box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2, box.width, box.height]
  }
}
