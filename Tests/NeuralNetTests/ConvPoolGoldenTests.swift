import NeuralNet
import RegionKitTestSupport
import Testing

/// Grouped, depthwise, rectangular, strided, dilated and asymmetrically padded convolutions and
/// ceil-mode, asymmetric pools against PyTorch (`Fixtures/goldens/conv_pool.json`, tolerances
/// from the goldens README: conv outputs and input gradients atol 1e-5 + rtol 1e-5, weight and
/// bias gradients atol 1e-4 + rtol 1e-5, max-pool outputs exact and gradients atol 1e-6,
/// average pooling atol 1e-6 + rtol 1e-5).
@Suite struct ConvPoolGoldenTests {
  let golden: GoldenFile

  init() throws {
    golden = try GoldenFile("conv_pool.json")
  }

  @Test(arguments: [
    "conv2d_groups2_k3_pad1", "conv2d_groups2_1x1", "conv2d_1x1",
    "conv2d_depthwise_multiplier2_stride2", "conv2d_depthwise_5x5_dilated_asymmetric",
    "conv2d_rect_3x5_stride2x1_dilation1x2_asymmetric", "conv2d_padding_wider_than_kernel",
  ])
  func conv2d(caseName: String) throws {
    let testCase = try golden.case(caseName)
    let parameters = try testCase.object("parameters")
    var conv = Conv2d(
      weight: try testCase.nnTensor("inputs", "weight"),
      bias: try testCase.nnTensor("inputs", "bias"),
      stride: try parameters.pair("stride"), padding: try parameters.padding("padding"),
      dilation: try parameters.pair("dilation"), groups: try parameters.int("groups"))
    let input = try testCase.nnTensor("inputs", "x")
    let want = try testCase.nnTensor("expected", "output")
    let output = conv.forward(input)
    #expect(output.shape == want.shape)
    #expect(closeMismatch(output.data, want.data, atol: 1e-5, rtol: 1e-5) == nil)
    #expect(conv.output(for: input) == output)
    let reference = conv.referenceForward(input)
    #expect(closeMismatch(reference.data, want.data, atol: 1e-5, rtol: 1e-5) == nil)
    let gradientInput = conv.backward(try testCase.nnTensor("inputs", "grad_out"))
    let expected = try testCase.object("expected")
    #expect(
      closeMismatch(
        gradientInput.data, try expected.nnTensor("grad_input").data, atol: 1e-5, rtol: 1e-5)
        == nil)
    #expect(
      closeMismatch(
        conv.weight.gradient.data, try expected.nnTensor("grad_weight").data, atol: 1e-4,
        rtol: 1e-5) == nil)
    #expect(
      closeMismatch(
        conv.bias!.gradient.data, try expected.nnTensor("grad_bias").data, atol: 1e-4,
        rtol: 1e-5) == nil)
  }

  @Test(arguments: [
    "max_pool2d_k3_s2_ceil", "max_pool2d_k2_s2_p1_ceil_drops_last",
    "max_pool2d_rect_2x3_stride2x1_asymmetric", "max_pool2d_k3_dilation2x1_stride1x2_p1_ceil",
    "max_pool2d_k3_s2_asymmetric_ceil",
  ])
  func maxPool(caseName: String) throws {
    let testCase = try golden.case(caseName)
    let parameters = try testCase.object("parameters")
    var pool = MaxPool2d(
      kernelSize: try parameters.pair("kernel_size"), stride: try parameters.pair("stride"),
      padding: try parameters.padding("padding"), dilation: try parameters.pair("dilation"),
      ceilMode: try parameters.bool("ceil_mode"))
    let input = try testCase.nnTensor("inputs", "x")
    let want = try testCase.nnTensor("expected", "output")
    let output = pool.forward(input)
    #expect(output.shape == want.shape)
    #expect(output.data == want.data)
    #expect(pool.output(for: input) == output)
    let gradientInput = pool.backward(try testCase.nnTensor("inputs", "grad_out"))
    #expect(
      closeMismatch(
        gradientInput.data, try testCase.nnTensor("expected", "grad_input").data, atol: 1e-6,
        rtol: 0) == nil)
  }

  @Test(arguments: [
    "avg_pool2d_k3_s2_p1_ceil_include_pad", "avg_pool2d_k3_s2_p1_ceil_exclude_pad",
    "avg_pool2d_k2_s2_p1_ceil_drops_last", "avg_pool2d_k3_s1_p1_exclude_pad",
    "avg_pool2d_rect_3x2_stride1x2_asymmetric_include_pad",
    "avg_pool2d_k3_s2_asymmetric_ceil_exclude_pad", "avg_pool2d_k3_s2_asymmetric_ceil_include_pad",
  ])
  func averagePool(caseName: String) throws {
    let testCase = try golden.case(caseName)
    let parameters = try testCase.object("parameters")
    var pool = AvgPool2d(
      kernelSize: try parameters.pair("kernel_size"), stride: try parameters.pair("stride"),
      padding: try parameters.padding("padding"), ceilMode: try parameters.bool("ceil_mode"),
      countIncludesPadding: try parameters.bool("count_include_pad"))
    let input = try testCase.nnTensor("inputs", "x")
    let want = try testCase.nnTensor("expected", "output")
    let output = pool.forward(input)
    #expect(output.shape == want.shape)
    #expect(closeMismatch(output.data, want.data, atol: 1e-6, rtol: 1e-5) == nil)
    #expect(pool.output(for: input) == output)
    let gradientInput = pool.backward(try testCase.nnTensor("inputs", "grad_out"))
    #expect(
      closeMismatch(
        gradientInput.data, try testCase.nnTensor("expected", "grad_input").data, atol: 1e-6,
        rtol: 1e-5) == nil)
  }

  @Test func everyCaseIsTestedAndOnnxruntimeAgrees() throws {
    // The file's cases are exactly the ones listed above, and the generator found onnxruntime
    // in agreement with PyTorch on each.
    #expect(golden.cases.count == 19)
    for testCase in golden.cases {
      #expect(
        try testCase.value("onnxruntime_check", "agrees") as? Bool == true, "\(testCase.name)")
    }
  }
}

extension GoldenCase {
  /// An integer parameter.
  fileprivate func int(_ key: String) throws -> Int {
    guard let value = try value(key) as? Int else {
      throw GoldenError.malformed(file, "case \(name): \(key) is not an integer")
    }
    return value
  }

  /// A boolean parameter.
  fileprivate func bool(_ key: String) throws -> Bool {
    guard let value = try value(key) as? Bool else {
      throw GoldenError.malformed(file, "case \(name): \(key) is not a boolean")
    }
    return value
  }

  /// A `[height, width]` parameter.
  fileprivate func pair(_ key: String) throws -> SpatialPair {
    guard let values = try value(key) as? [Int], values.count == 2 else {
      throw GoldenError.malformed(file, "case \(name): \(key) is not [height, width]")
    }
    return SpatialPair(height: values[0], width: values[1])
  }

  /// A `[top, left, bottom, right]` parameter.
  fileprivate func padding(_ key: String) throws -> SpatialPadding {
    guard let values = try value(key) as? [Int], values.count == 4 else {
      throw GoldenError.malformed(file, "case \(name): \(key) is not [top, left, bottom, right]")
    }
    return SpatialPadding(top: values[0], left: values[1], bottom: values[2], right: values[3])
  }
}
