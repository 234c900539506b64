import NeuralNet

/// What computes an ``ONNXLayerNode``: a NeuralNet layer with the node's weights and
/// attributes, a graph-level operation, or nothing.
public enum ONNXLayer: Sendable {
  /// `Conv`: the convolution with the node's weights, stride, padding, dilation and groups.
  case convolution(Conv2d)
  /// `BatchNormalization` in inference form, `y = scale[c] · x + shift[c]` per channel, the
  /// statistics folded in (computed in Double).
  case channelAffine(scale: [Float], shift: [Float])
  /// `Relu`.
  case relu
  /// `LeakyRelu` with its slope.
  case leakyReLU(negativeSlope: Float)
  /// `Clip` with constant bounds (ReLU6 is `Clip(0, 6)`).
  case clip(lower: Float, upper: Float)
  /// `MaxPool` with the node's window.
  case maxPool(MaxPool2d)
  /// `AveragePool` with the node's window.
  case averagePool(AvgPool2d)
  /// `Add` of two computed tensors of the same shape (a residual connection).
  case add
  /// `Identity`, or `Dropout` in inference.
  case identity
  /// No NeuralNet layer computes this node; the reason says why.
  case unsupported(reason: String)
}
