import NeuralNet
import RegionKitTestSupport
import Testing

/// The im2col + sgemm convolution against the direct seven-loop reference.
@Suite struct Conv2dTests {
  @Test(arguments: [(1, 0, 1, 3), (2, 1, 1, 3), (1, 2, 2, 3), (3, 1, 1, 5), (1, 0, 1, 1)])
  func fastPathMatchesReference(stride: Int, padding: Int, dilation: Int, kernel: Int) {
    let input = GradientCheck.random([2, 3, 11, 9], seed: 4)
    var conv = Conv2d(inChannels: 3, outChannels: 5, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, seed: 8)
    let reference = conv.referenceForward(input)
    let fast = conv.forward(input)
    #expect(fast.shape == reference.shape)
    #expect(closeMismatch(fast.data, reference.data, atol: 1e-5, rtol: 1e-5) == nil)
  }

  @Test func outputSizeFollowsPyTorch() {
    var conv = Conv2d(inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, dilation: 2, hasBias: false, seed: 1)
    // floor((10 + 2 - 2 * 2 - 1) / 2) + 1 = 4
    #expect(conv.forward(Tensor(zeros: [1, 1, 10, 10])).shape == [1, 1, 4, 4])
    var names: [String] = []
    conv.visitParameters { name, _ in names.append(name) }
    #expect(names == ["weight"])
  }
}
