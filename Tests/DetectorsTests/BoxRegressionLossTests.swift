import Detectors
import NeuralNet
import Testing

/// Values and gradients of the three box losses on hand-made differences.
@Suite struct BoxRegressionLossTests {
  // Differences input - target: -0.5, -0.05, 0.2, 2 (mean over 4 elements).
  let input = Tensor(shape: [1, 4], data: [0.5, 0.45, 0.7, 3])
  let target = Tensor(shape: [1, 4], data: [1, 0.5, 0.5, 1])

  @Test func l1ValueAndGradient() {
    let loss = BoxRegressionLoss.l1.loss(input, target)
    #expect(abs(loss.value - (0.5 + 0.05 + 0.2 + 2) / 4) < 1e-6)
    #expect(loss.gradient.data == [-0.25, -0.25, 0.25, 0.25])
  }

  @Test func mseValueAndGradient() {
    let loss = BoxRegressionLoss.mse.loss(input, target)
    #expect(abs(loss.value - (0.25 + 0.0025 + 0.04 + 4) / 4) < 1e-6)
    let expected: [Float] = [-0.5, -0.05, 0.2, 2].map { 2 * $0 / 4 }
    for (got, want) in zip(loss.gradient.data, expected) { #expect(abs(got - want) < 1e-6) }
  }

  @Test func smoothL1QuadraticInsideBetaLinearOutside() {
    let loss = BoxRegressionLoss.smoothL1(beta: 0.3).loss(input, target)
    // |d| < 0.3: d²/(2·0.3); otherwise |d| - 0.15.
    let values: [Float] = [0.5 - 0.15, 0.0025 / 0.6, 0.04 / 0.6, 2 - 0.15]
    #expect(abs(loss.value - values.reduce(0, +) / 4) < 1e-6)
    let gradients: [Float] = [-1, -0.05 / 0.3, 0.2 / 0.3, 1].map { $0 / 4 }
    for (got, want) in zip(loss.gradient.data, gradients) { #expect(abs(got - want) < 1e-6) }
  }

  /// At |d| = beta both pieces meet: value beta/2 and slope 1, approached from either side.
  @Test(arguments: [Float(1), Float(1.0 / 9)])
  func smoothL1KinkAtBeta(beta: Float) {
    let loss = BoxRegressionLoss.smoothL1(beta: beta)
    let epsilon: Float = 1e-4
    func at(_ d: Float) -> Loss {
      loss.loss(Tensor(shape: [1], data: [d]), Tensor(shape: [1], data: [0]))
    }
    #expect(abs(at(beta).value - beta / 2) < 1e-6)
    #expect(abs(at(beta - epsilon).value - beta / 2) < 2 * epsilon)
    #expect(abs(at(beta + epsilon).value - beta / 2) < 2 * epsilon)
    #expect(abs(at(beta - epsilon).gradient.data[0] - 1) < 2 * epsilon / beta)
    #expect(at(beta + epsilon).gradient.data[0] == 1)
    #expect(at(-beta - epsilon).gradient.data[0] == -1)
    // Finite differences agree with the gradient on both sides of the kink.
    for point in [beta * 0.5, beta * 1.5, -beta * 0.5, -beta * 1.5] {
      let h: Float = 1e-3
      let plus = loss.loss(Tensor(shape: [1], data: [point + h]), Tensor(shape: [1], data: [0]))
        .value
      let minus = loss.loss(Tensor(shape: [1], data: [point - h]), Tensor(shape: [1], data: [0]))
        .value
      let analytic = loss.loss(Tensor(shape: [1], data: [point]), Tensor(shape: [1], data: [0]))
        .gradient.data[0]
      #expect(abs((plus - minus) / (2 * h) - analytic) < 5e-3, "at \(point)")
    }
  }

  /// With differences below 1 and beta = 1, smooth L1 is exactly half of MSE.
  @Test func smoothL1WithBetaOneIsHalfMSEBelowOne() {
    let small = Tensor(shape: [1, 3], data: [0.1, -0.4, 0.9])
    let zero = Tensor(zeros: [1, 3])
    let smooth = BoxRegressionLoss.smoothL1(beta: 1).loss(small, zero)
    let mse = BoxRegressionLoss.mse.loss(small, zero)
    #expect(abs(smooth.value - mse.value / 2) < 1e-7)
  }

  @Test(arguments: [
    ("l1", BoxRegressionLoss.l1), ("mse", .mse), ("smooth-l1", .smoothL1(beta: 1)),
    ("smooth-l1:0.5", .smoothL1(beta: 0.5)), ("smooth-l1:1/9", .smoothL1(beta: 1.0 / 9)),
  ])
  func parsesSpellings(text: String, expected: BoxRegressionLoss) {
    #expect(BoxRegressionLoss(parsing: text) == expected)
  }

  @Test(arguments: [
    "", "L1", "huber", "smooth-l1:", "smooth-l1:0", "smooth-l1:-1", "smooth-l1:1/0", "smooth-l1:a",
  ])
  func rejectsBadSpellings(text: String) {
    #expect(BoxRegressionLoss(parsing: text) == nil)
  }

  @Test func names() {
    #expect(BoxRegressionLoss.l1.name == "l1")
    #expect(BoxRegressionLoss.smoothL1(beta: 1).name == "smooth-l1-b1")
    #expect(BoxRegressionLoss.smoothL1(beta: 1.0 / 9).name == "smooth-l1-b0.111")
  }
}
