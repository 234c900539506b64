import NeuralNet
import RegionKitTestSupport
import Testing

/// Every layer against PyTorch (`Fixtures/goldens/nn_layers.json`, tolerances from its README).
@Suite struct NNLayersGoldenTests {
  let golden: GoldenFile
  let inputs: GoldenCase

  init() throws {
    golden = try GoldenFile("nn_layers.json")
    inputs = golden.sharedInputs
  }

  @Test(arguments: [
    (1, "conv2d_stride1_pad1", "conv_s1_grad_out"), (2, "conv2d_stride2_pad1", "conv_s2_grad_out"),
  ])
  func conv2d(stride: Int, caseName: String, gradName: String) throws {
    let expected = try golden.case(caseName)
    var conv = Conv2d(
      weight: try inputs.nnTensor("conv_w"), bias: try inputs.nnTensor("conv_b"), stride: stride,
      padding: 1)
    let output = conv.forward(try inputs.nnTensor("conv_x"))
    let want = try expected.nnTensor("expected", "output")
    #expect(output.shape == want.shape)
    #expect(closeMismatch(output.data, want.data, atol: 1e-5, rtol: 1e-5) == nil)
    let gradientInput = conv.backward(try inputs.nnTensor(gradName))
    #expect(
      closeMismatch(
        gradientInput.data, try expected.nnTensor("expected", "grad_input").data, atol: 1e-5,
        rtol: 1e-5) == nil)
    #expect(
      closeMismatch(
        conv.weight.gradient.data, try expected.nnTensor("expected", "grad_weight").data,
        atol: 1e-4, rtol: 1e-5) == nil)
    #expect(
      closeMismatch(
        conv.bias!.gradient.data, try expected.nnTensor("expected", "grad_bias").data, atol: 1e-4,
        rtol: 1e-5) == nil)
  }

  @Test(arguments: [
    (2, 2, 0, "max_pool2d_k2_s2", "pool_k2s2_grad_out"),
    (3, 2, 1, "max_pool2d_k3_s2_p1", "pool_k3s2p1_grad_out"),
  ])
  func maxPool(kernel: Int, stride: Int, padding: Int, caseName: String, gradName: String) throws {
    let expected = try golden.case(caseName)
    var pool = MaxPool2d(kernelSize: kernel, stride: stride, padding: padding)
    let output = pool.forward(try inputs.nnTensor("pool_x"))
    let want = try expected.nnTensor("expected", "output")
    #expect(output.shape == want.shape)
    #expect(output.data == want.data)
    let gradientInput = pool.backward(try inputs.nnTensor(gradName))
    #expect(
      closeMismatch(
        gradientInput.data, try expected.nnTensor("expected", "grad_input").data, atol: 1e-6,
        rtol: 0) == nil)
  }

  @Test func linear() throws {
    let expected = try golden.case("linear")
    var layer = Linear(
      weight: try inputs.nnTensor("linear_w"), bias: try inputs.nnTensor("linear_b"))
    let output = layer.forward(try inputs.nnTensor("linear_x"))
    #expect(
      closeMismatch(
        output.data, try expected.nnTensor("expected", "output").data, atol: 1e-6, rtol: 1e-5)
        == nil)
    let gradientInput = layer.backward(try inputs.nnTensor("linear_grad_out"))
    #expect(
      closeMismatch(
        gradientInput.data, try expected.nnTensor("expected", "grad_input").data, atol: 1e-6,
        rtol: 1e-5) == nil)
    #expect(
      closeMismatch(
        layer.weight.gradient.data, try expected.nnTensor("expected", "grad_weight").data,
        atol: 1e-6, rtol: 1e-5) == nil)
    #expect(
      closeMismatch(
        layer.bias!.gradient.data, try expected.nnTensor("expected", "grad_bias").data, atol: 1e-6,
        rtol: 1e-5) == nil)
  }

  @Test func relu() throws {
    let expected = try golden.case("relu")
    var layer = ReLU()
    let output = layer.forward(try inputs.nnTensor("relu_x"))
    #expect(output.data == (try expected.nnTensor("expected", "output").data))
    let gradientInput = layer.backward(try inputs.nnTensor("relu_grad_out"))
    #expect(gradientInput.data == (try expected.nnTensor("expected", "grad_input").data))
  }

  @Test(arguments: [(1, 1), (3, 3), (4, 5), (7, 7)])
  func adaptiveAveragePool(height: Int, width: Int) throws {
    let expected = try golden.case("adaptive_avg_pool2d_\(height)x\(width)")
    var pool = AdaptiveAvgPool2d(outputHeight: height, outputWidth: width)
    let output = pool.forward(try inputs.nnTensor("conv_x"))
    #expect(
      closeMismatch(
        output.data, try expected.nnTensor("expected", "output").data, atol: 1e-6, rtol: 1e-5)
        == nil)
    let gradientInput = pool.backward(try inputs.nnTensor("adaptive_\(height)x\(width)_grad_out"))
    #expect(
      closeMismatch(
        gradientInput.data, try expected.nnTensor("expected", "grad_input").data, atol: 1e-6,
        rtol: 1e-5) == nil)
  }
}
