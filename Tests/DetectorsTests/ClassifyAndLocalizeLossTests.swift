import Detectors
import NeuralNet
import Testing

/// The combined loss is the weighted sum of its parts, and so are its gradients.
@Suite struct ClassifyAndLocalizeLossTests {
  let logits = Tensor(shape: [3, 2], data: [2, -1, 0.5, 0.5, -1, 3])
  let labels = [0, 1, 1]
  let boxes = Tensor(
    shape: [3, 4], data: [0.5, 0.5, 0.2, 0.2, 0.1, 0.9, 0.3, 0.3, 0.4, 0.4, 0.6, 0.6])
  let targets = Tensor(
    shape: [3, 4], data: [0.4, 0.5, 0.3, 0.2, 0.5, 0.5, 0.3, 0.1, 0.4, 0.2, 0.9, 0.6])

  @Test(arguments: [BoxRegressionLoss.l1, .mse, .smoothL1(beta: 1), .smoothL1(beta: 1.0 / 9)])
  func totalIsWeightedSumOfParts(boxLoss: BoxRegressionLoss) {
    let (wc, wb): (Float, Float) = (0.3, 2)
    let loss = classifyAndLocalizeLoss(
      logits: logits, labels: labels, boxes: boxes, targets: targets, boxLoss: boxLoss,
      classificationWeight: wc, boxWeight: wb)
    let ce = crossEntropy(logits, labels: labels)
    let box = boxLoss.loss(boxes, targets)
    #expect(abs(loss.classification - ce.value) < 1e-6)
    #expect(abs(loss.box - box.value) < 1e-6)
    #expect(abs(loss.total - (wc * ce.value + wb * box.value)) < 1e-6)
    for (got, want) in zip(loss.logitsGradient.data, ce.gradient.data) {
      #expect(abs(got - wc * want) < 1e-6)
    }
    for (got, want) in zip(loss.boxGradient.data, box.gradient.data) {
      #expect(abs(got - wb * want) < 1e-6)
    }
  }

  /// The seed's `0.5 * CE + 0.5 * L1` is the default.
  @Test func defaultsAreHalfAndHalfL1() {
    let loss = classifyAndLocalizeLoss(
      logits: logits, labels: labels, boxes: boxes, targets: targets, boxLoss: .l1)
    let expected =
      0.5 * crossEntropy(logits, labels: labels).value + 0.5 * l1Loss(boxes, targets).value
    #expect(abs(loss.total - expected) < 1e-6)
  }

  /// Rows without a box (background) add nothing to the box loss and get no box gradient.
  @Test func rowsWithoutBoxAreMasked() {
    let loss = classifyAndLocalizeLoss(
      logits: logits, labels: labels, boxes: boxes, targets: targets, hasBox: [true, false, true],
      boxLoss: .l1)
    let kept = [0, 2]
    let expected = l1Loss(
      Tensor(shape: [2, 4], data: kept.flatMap { Array(boxes.data[($0 * 4)..<($0 * 4 + 4)]) }),
      Tensor(shape: [2, 4], data: kept.flatMap { Array(targets.data[($0 * 4)..<($0 * 4 + 4)]) }))
    #expect(abs(loss.box - expected.value) < 1e-6)
    #expect(loss.boxGradient.data[4..<8].allSatisfy { $0 == 0 })
    // d = 0 in columns 1 and 3 of row 0.
    #expect(loss.boxGradient.data[0] != 0 && loss.boxGradient.data[2] != 0)
    let none = classifyAndLocalizeLoss(
      logits: logits, labels: labels, boxes: boxes, targets: targets,
      hasBox: [false, false, false], boxLoss: .mse)
    #expect(none.box == 0 && none.boxGradient.data.allSatisfy { $0 == 0 })
  }

  /// Finite differences of the total agree with its gradients.
  @Test func gradientsMatchFiniteDifferences() {
    func total(_ l: Tensor, _ b: Tensor) -> Float {
      classifyAndLocalizeLoss(
        logits: l, labels: labels, boxes: b, targets: targets, boxLoss: .smoothL1(beta: 0.05)
      ).total
    }
    let loss = classifyAndLocalizeLoss(
      logits: logits, labels: labels, boxes: boxes, targets: targets, boxLoss: .smoothL1(beta: 0.05)
    )
    let h: Float = 1e-3
    for index in logits.data.indices {
      var plus = logits, minus = logits
      plus.data[index] += h
      minus.data[index] -= h
      #expect(
        abs((total(plus, boxes) - total(minus, boxes)) / (2 * h) - loss.logitsGradient.data[index])
          < 2e-3)
    }
    for index in boxes.data.indices {
      var plus = boxes, minus = boxes
      plus.data[index] += h
      minus.data[index] -= h
      #expect(
        abs((total(logits, plus) - total(logits, minus)) / (2 * h) - loss.boxGradient.data[index])
          < 2e-3)
    }
  }
}
