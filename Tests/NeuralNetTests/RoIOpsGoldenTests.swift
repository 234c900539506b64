import NeuralNet
import RegionKitTestSupport
import Testing

/// RoIPool and RoIAlign against torchvision (`Fixtures/goldens/roi_ops.json`).
@Suite struct RoIOpsGoldenTests {
  let golden: GoldenFile
  let feature: Tensor
  let rois: Tensor
  let gradientOutput: Tensor

  init() throws {
    golden = try GoldenFile("roi_ops.json")
    let inputs = golden.sharedInputs
    feature = try inputs.nnTensor("feature")
    rois = try inputs.nnTensor("rois")
    gradientOutput = try inputs.nnTensor("grad_output")
  }

  @Test func roiPoolForwardIsExactAndBackwardClose() throws {
    let expected = try golden.case("roi_pool")
    var layer = RoIPool(outputHeight: 7, outputWidth: 7, spatialScale: 0.0625)
    let output = layer.forward(feature, rois: rois)
    #expect(output.data == (try expected.nnTensor("expected", "output").data))
    let gradient = layer.backward(gradientOutput)
    #expect(
      closeMismatch(
        gradient.data, try expected.nnTensor("expected", "grad_feature").data, atol: 1e-6, rtol: 0)
        == nil)
  }

  @Test(arguments: [false, true])
  func roiAlignMatchesTorchvision(aligned: Bool) throws {
    let expected = try golden.case(aligned ? "roi_align_aligned_true" : "roi_align_aligned_false")
    var layer = RoIAlign(
      outputHeight: 7, outputWidth: 7, spatialScale: 0.0625, samplingRatio: 2, aligned: aligned)
    let output = layer.forward(feature, rois: rois)
    #expect(
      closeMismatch(
        output.data, try expected.nnTensor("expected", "output").data, atol: 2e-5, rtol: 1e-5)
        == nil)
    let gradient = layer.backward(gradientOutput)
    #expect(
      closeMismatch(
        gradient.data, try expected.nnTensor("expected", "grad_feature").data, atol: 2e-5,
        rtol: 1e-5) == nil)
  }

  @Test(arguments: [(false, 2), (true, 2), (true, 0), (false, 3)])
  func fastRoIAlignMatchesReference(aligned: Bool, samplingRatio: Int) {
    let fast = roiAlign(
      feature, rois: rois, spatialScale: 0.0625, samplingRatio: samplingRatio, aligned: aligned)
    let slow = roiAlignReference(
      feature, rois: rois, spatialScale: 0.0625, samplingRatio: samplingRatio, aligned: aligned)
    #expect(closeMismatch(fast.data, slow.data, atol: 1e-6, rtol: 1e-6) == nil)
  }
}
