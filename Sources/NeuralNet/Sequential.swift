/// Runs layers one after another, naming their parameters like PyTorch's `nn.Sequential`.
///
/// Children are named `0`, `1`, … (or by the names given), so the weight of the first layer
/// of a sequential called `features` has the state-dict name `features.0.weight`. Nest
/// sequentials to build `features` / `classifier` models.
///
///     var model = Sequential(named: [
///       ("features", Sequential([Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, seed: 1), ReLU()])),
///       ("classifier", Sequential([Flatten(), Linear(inFeatures: 8 * 14 * 14, outFeatures: 2, seed: 2)])),
///     ])
public struct Sequential: Layer {
  /// The children, run in order.
  public var layers: [any Layer]
  /// Each child's state-dict name.
  public var names: [String]

  /// Creates a sequential whose children are named by their index.
  ///
  /// - Parameter layers: the layers, first applied first.
  public init(_ layers: [any Layer]) {
    self.layers = layers
    self.names = layers.indices.map(String.init)
  }

  /// Creates a sequential with named children (PyTorch's `OrderedDict` form).
  ///
  /// - Parameter named: `(name, layer)` pairs, first applied first.
  public init(named: [(String, any Layer)]) {
    self.layers = named.map(\.1)
    self.names = named.map(\.0)
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    var current = input
    for index in layers.indices { current = layers[index].forward(current) }
    return current
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    var current = gradientOutput
    for index in layers.indices.reversed() { current = layers[index].backward(current) }
    return current
  }

  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    for index in layers.indices {
      let prefix = names[index]
      layers[index].visitParameters { name, parameter in visit("\(prefix).\(name)", &parameter) }
    }
  }

  public mutating func visitBuffers(_ visit: (String, inout Tensor) -> Void) {
    for index in layers.indices {
      let prefix = names[index]
      layers[index].visitBuffers { name, buffer in visit("\(prefix).\(name)", &buffer) }
    }
  }

  public mutating func setTraining(_ isTraining: Bool) {
    for index in layers.indices { layers[index].setTraining(isTraining) }
  }
}
