import Foundation
import NeuralNet
import ONNX

/// An ONNX network cut at a tensor, rebuilt from NeuralNet layers so that it can be
/// fine-tuned with the detector's heads (RegionKit's ONNX kernels run inference only).
///
/// Made by ``ONNXBackbone/trainable()``. Each node up to the cut tensor becomes a layer with
/// the network's weights: `Conv` a ``/NeuralNet/Conv2d``, a `BatchNormalization` is folded
/// into the convolution before it (when that convolution feeds nothing else) or becomes a
/// ``/NeuralNet/ChannelAffine`` (its statistics stay as learnt, as torchvision's
/// `FrozenBatchNorm2d`; detectors train on one or two images per step), `Relu`, `LeakyRelu`,
/// `Clip`, `MaxPool` and `AveragePool` their layers, `Add` of two tensors a residual sum, and
/// `Identity`/`Dropout` nothing. The layers run in the graph's order; the backward pass walks
/// them in reverse, summing the gradients of tensors read twice.
///
/// Parameters are named by the layer's position, `3.weight`, `3.bias` (saved as
/// `backbone.3.weight` in `model.safetensors`).
public struct TrainableONNXBackbone: TrainableBackbone {
  /// What a node does.
  enum Operation: Sendable {
    case layer(any Layer)
    case add
  }

  /// A node: the value slots it reads (slot 0 is the input), its operation, its output slot.
  struct Node: Sendable {
    var inputs: [Int]
    var operation: Operation
    var output: Int
  }

  /// The network it was built from.
  public let source: ONNXBackbone
  var nodes: [Node]
  var outputSlot: Int
  var slotCount: Int

  public var stride: Int { source.stride }
  /// Inputs smaller than this on a side are padded with zeros at the bottom and right.
  public var minimumInputSide: Int { source.minimumInputSide }
  public var outputChannels: Int { source.outputChannels }

  /// Rebuilds `backbone`'s network up to its tensor from NeuralNet layers.
  ///
  /// - Throws: ``DetectorsError/untrainableBackbone(file:node:op:reason:)`` naming the first
  ///   node without a NeuralNet layer; ``/ONNX/ONNXError`` from planning.
  init(_ backbone: ONNXBackbone) throws {
    let file = backbone.url.path
    let described = try backbone.model.layers(
      computing: backbone.tensor, inputShape: backbone.probeShape)
    if let node = described.first(where: {
      if case .unsupported = $0.layer { return true } else { return false }
    }), case .unsupported(let reason) = node.layer {
      throw DetectorsError.untrainableBackbone(
        file: file, node: node.label, op: node.op, reason: reason)
    }
    // How many nodes read each tensor (a convolution read only by a normalisation absorbs it).
    var readers: [String: Int] = [:]
    for node in described { for input in node.inputs { readers[input, default: 0] += 1 } }
    var slots: [String: Int] = [:]
    let inputName = backbone.model.inputs[0].name
    slots[inputName] = 0
    var nodes: [Node] = []
    var producer: [Int: Int] = [:]  // slot -> index in `nodes`
    var slotCount = 1
    for node in described {
      let inputs = node.inputs.map { slots[$0]! }
      func emit(_ operation: Operation) {
        nodes.append(Node(inputs: inputs, operation: operation, output: slotCount))
        producer[slotCount] = nodes.count - 1
        slots[node.output] = slotCount
        slotCount += 1
      }
      switch node.layer {
      case .convolution(var conv):
        if inputs == [0] { conv.computesInputGradient = false }
        emit(.layer(conv))
      case .channelAffine(let scale, let shift):
        if let slot = inputs.first, let index = producer[slot], readers[node.inputs[0]] == 1,
          case .layer(let layer) = nodes[index].operation, var conv = layer as? Conv2d
        {
          Self.fold(&conv, scale: scale, shift: shift)
          nodes[index].operation = .layer(conv)
          slots[node.output] = slot
        } else {
          emit(.layer(ChannelAffine(scale: scale, shift: shift)))
        }
      case .relu: emit(.layer(ReLU()))
      case .leakyReLU(let slope): emit(.layer(LeakyReLU(negativeSlope: slope)))
      case .clip(let lower, let upper): emit(.layer(Hardtanh(minimum: lower, maximum: upper)))
      case .maxPool(let pool): emit(.layer(pool))
      case .averagePool(let pool): emit(.layer(pool))
      case .add: emit(.add)
      case .identity: slots[node.output] = inputs[0]
      case .unsupported: break  // refused above
      }
    }
    guard let output = slots[backbone.tensor], output != 0 else {
      throw DetectorsError.invalidBackbone(
        file: file, reason: "tensor \"\(backbone.tensor)\" is computed by no layer")
    }
    self.source = backbone
    self.nodes = nodes
    self.outputSlot = output
    self.slotCount = slotCount
  }

  /// Scales a convolution's output channels by `scale` and adds `shift` (a batch
  /// normalisation folded in, in Double).
  static func fold(_ conv: inout Conv2d, scale: [Float], shift: [Float]) {
    let outputs = conv.weight.value.shape[0]
    let size = conv.weight.value.count / outputs
    var bias = conv.bias?.value.data ?? [Float](repeating: 0, count: outputs)
    for o in 0..<outputs {
      for index in (o * size)..<((o + 1) * size) {
        conv.weight.value.data[index] = Float(
          Double(conv.weight.value.data[index]) * Double(scale[o]))
      }
      bias[o] = Float(Double(bias[o]) * Double(scale[o]) + Double(shift[o]))
    }
    conv.bias = Parameter(Tensor(shape: [outputs], data: bias))
    conv.weight.gradient = Tensor(zeros: conv.weight.value.shape)
  }

  /// The description a model folder records.
  ///
  /// - Parameter frozen: Whether the backbone stays as it is in training. Default: `false`.
  public func configuration(frozen: Bool = false) -> BackboneConfiguration {
    source.configuration(frozen: frozen)
  }

  public func features(_ input: Tensor) throws -> Tensor {
    var copy = self
    return try copy.forward(input)
  }

  public mutating func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank == 4, input.shape[0] == 1, input.shape[1] == 3 else {
      throw DetectorsError.invalidBackbone(
        file: source.url.path, reason: "an input has shape \(input.shape); expected [1, 3, H, W]")
    }
    let input = input.paddedBottomRight(toAtLeast: source.minimumInputSide)
    var values = [Tensor?](repeating: nil, count: slotCount)
    values[0] = input
    for index in nodes.indices {
      let node = nodes[index]
      let result: Tensor
      switch node.operation {
      case .layer(var layer):
        nodes[index].operation = .add  // drop the reference so forward does not copy weights
        result = layer.forward(values[node.inputs[0]]!)
        nodes[index].operation = .layer(layer)
      case .add:
        result = values[node.inputs[0]]! + values[node.inputs[1]]!
      }
      values[node.output] = result
    }
    return values[outputSlot]!
  }

  public mutating func backward(_ featureGradient: Tensor) {
    var gradients = [Tensor?](repeating: nil, count: slotCount)
    gradients[outputSlot] = featureGradient
    func accumulate(_ gradient: Tensor, into slot: Int) {
      guard slot != 0 else { return }  // the image needs no gradient
      if gradients[slot] == nil {
        gradients[slot] = gradient
      } else {
        gradients[slot]!.add(gradient)
      }
    }
    for index in nodes.indices.reversed() {
      let node = nodes[index]
      guard let gradient = gradients[node.output] else { continue }
      gradients[node.output] = nil
      switch node.operation {
      case .layer(var layer):
        nodes[index].operation = .add
        let input = layer.backward(gradient)
        nodes[index].operation = .layer(layer)
        accumulate(input, into: node.inputs[0])
      case .add:
        accumulate(gradient, into: node.inputs[0])
        accumulate(gradient, into: node.inputs[1])
      }
    }
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    for index in nodes.indices {
      guard case .layer(var layer) = nodes[index].operation else { continue }
      nodes[index].operation = .add
      layer.visitParameters { visit("\(index).\($0)", &$1) }
      nodes[index].operation = .layer(layer)
    }
  }
}
