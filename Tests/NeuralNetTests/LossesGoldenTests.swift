import NeuralNet
import RegionKitTestSupport
import Testing

/// Every loss against PyTorch (`Fixtures/goldens/losses.json`; atol 1e-6 + rtol 1e-5).
@Suite struct LossesGoldenTests {
  let golden: GoldenFile
  let inputs: GoldenCase

  init() throws {
    golden = try GoldenFile("losses.json")
    inputs = golden.sharedInputs
  }

  func check(_ loss: Loss, _ caseName: String, gradientKey: String = "grad_input") throws {
    let expected = try golden.case(caseName)
    #expect(
      closeMismatch(
        [loss.value], try expected.nnTensor("expected", "loss").data, atol: 1e-6, rtol: 1e-5)
        == nil, "\(caseName)")
    #expect(
      closeMismatch(
        loss.gradient.data, try expected.nnTensor("expected", gradientKey).data, atol: 1e-6,
        rtol: 1e-5) == nil, "\(caseName)")
  }

  @Test func regressionLosses() throws {
    let x = try inputs.nnTensor("input"), t = try inputs.nnTensor("target")
    try check(smoothL1Loss(x, t, beta: 1, reduction: .sum), "smooth_l1_beta1_sum")
    try check(smoothL1Loss(x, t, beta: 1, reduction: .mean), "smooth_l1_beta1_mean")
    try check(smoothL1Loss(x, t, beta: Float(1.0 / 9), reduction: .sum), "smooth_l1_beta1over9_sum")
    try check(
      smoothL1Loss(x, t, beta: Float(1.0 / 9), reduction: .mean), "smooth_l1_beta1over9_mean")
    try check(l1Loss(x, t, reduction: .mean), "l1_mean")
    try check(l1Loss(x, t, reduction: .sum), "l1_sum")
    try check(mseLoss(x, t, reduction: .mean), "mse_mean")
    try check(mseLoss(x, t, reduction: .sum), "mse_sum")
  }

  @Test func crossEntropyCases() throws {
    let logits = try inputs.nnTensor("logits")
    let labels = try GoldenTensor(try inputs.value("labels"), where: "labels").ints
    let ignoring = try GoldenTensor(
      try inputs.value("labels_with_ignore"), where: "labels_with_ignore"
    ).ints
    let weights = try inputs.nnTensor("class_weight").data
    try check(
      crossEntropy(logits, labels: labels), "cross_entropy_mean", gradientKey: "grad_logits")
    try check(
      crossEntropy(logits, labels: ignoring, ignoreIndex: -1), "cross_entropy_mean_ignore",
      gradientKey: "grad_logits")
    try check(
      crossEntropy(logits, labels: labels, classWeights: weights), "cross_entropy_weighted_mean",
      gradientKey: "grad_logits")
    try check(
      crossEntropy(logits, labels: ignoring, classWeights: weights, ignoreIndex: -1),
      "cross_entropy_weighted_mean_ignore",
      gradientKey: "grad_logits")
    try check(
      crossEntropy(logits, labels: ignoring, ignoreIndex: -1, reduction: .sum),
      "cross_entropy_sum_ignore", gradientKey: "grad_logits")
    let perSample = crossEntropyPerSample(logits, labels: ignoring, ignoreIndex: -1)
    #expect(
      closeMismatch(
        perSample, try golden.case("cross_entropy_none_ignore").nnTensor("expected", "loss").data,
        atol: 1e-6, rtol: 1e-5) == nil)
  }
}
