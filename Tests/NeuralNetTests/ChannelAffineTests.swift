import NeuralNet
import Testing

/// The per-channel scale and shift (folded batch normalisation).
@Suite struct ChannelAffineTests {
  @Test func scalesAndShiftsEachChannel() {
    let input = Tensor(shape: [2, 2, 1, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
    var layer = ChannelAffine(scale: [2, -1], shift: [0.5, 1])
    #expect(layer.forward(input).data == [2.5, 4.5, -2, -3, 10.5, 12.5, -6, -7])
    #expect(layer.output(for: input) == layer.forward(input))
    var names: [String] = []
    layer.visitParameters { name, _ in names.append(name) }
    #expect(names == ["weight", "bias"])
  }

  @Test func gradientsMatchFiniteDifferences() {
    let layer = ChannelAffine(scale: [1.5, -0.5, 0.25], shift: [0.1, -0.2, 0.3])
    #expect(
      GradientCheck.maximumError(layer, input: GradientCheck.random([2, 3, 4, 5], seed: 3)) < 2e-3)
  }
}
