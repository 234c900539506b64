import NeuralNet

/// The parameters an optimizer steps, by name, as a layer that passes its input through.
///
/// Fast and Faster R-CNN are not `Layer`s themselves (their forward pass takes images and
/// proposals), yet a checkpoint's optimizer state has to be checked against the parameters the
/// trainer steps (``Checkpoints/restore(_:epoch:parameters:)``); this gathers them from any
/// `visitParameters`.
struct NamedParameters: Layer {
  /// The parameters in visiting order.
  var parameters: [(name: String, parameter: Parameter)] = []

  /// The parameters `visit` reports.
  init(_ visit: ((String, inout Parameter) -> Void) -> Void) {
    var parameters: [(name: String, parameter: Parameter)] = []
    visit { name, parameter in parameters.append((name, parameter)) }
    self.parameters = parameters
  }

  func forward(_ input: Tensor) -> Tensor { input }

  func backward(_ gradientOutput: Tensor) -> Tensor { gradientOutput }

  mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    for index in parameters.indices { visit(parameters[index].name, &parameters[index].parameter) }
  }

  func visitBuffers(_ visit: (String, inout Tensor) -> Void) {}

  func setTraining(_ isTraining: Bool) {}
}
