import NeuralNet
import Testing

/// The clamp layer (ONNX `Clip`, ReLU6).
@Suite struct HardtanhTests {
  @Test func clampsAndPassesGradientsInside() {
    var relu6 = Hardtanh(minimum: 0, maximum: 6)
    let input = Tensor(shape: [1, 1, 1, 5], data: [-1, 0, 3, 6, 7])
    #expect(relu6.forward(input).data == [0, 0, 3, 6, 6])
    let gradient = relu6.backward(Tensor(shape: [1, 1, 1, 5], repeating: 1))
    #expect(gradient.data == [0, 0, 1, 0, 0])
    // Values at least 0.05 away from the bounds, where the function has no derivative.
    var values = GradientCheck.random([2, 2, 3, 3], seed: 5)
    values.data = values.data.map { abs(abs($0) - 0.5) < 0.05 ? $0 * 0.8 : $0 }
    let clamp = Hardtanh(minimum: -0.5, maximum: 0.5)
    #expect(GradientCheck.maximumError(clamp, input: values) < 2e-3)
  }
}
