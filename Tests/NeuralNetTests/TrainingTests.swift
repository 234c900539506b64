import Boxes
import NeuralNet
import RegionKitTestSupport
import Testing

/// End to end: a small conv net must learn to tell squares from crosses. A wrong backward
/// in conv, ReLU or max-pool leaves it below the 98 % bar (see the note at the check).
@Suite(.tags(.slow)) struct TrainingTests {
  /// 16x16 single-channel images: an outlined square (label 0) or a plus sign (label 1) of
  /// random size and position, with noise.
  static func shapes(count: Int, seed: UInt64) -> (images: Tensor, labels: [Int]) {
    var generator = SplitMix64(seed: seed)
    var images = Tensor(zeros: [count, 1, 16, 16])
    var labels: [Int] = []
    for n in 0..<count {
      let label = Int(generator.next() % 2)
      labels.append(label)
      let size = 5 + Int(generator.next() % 6)  // 5...10 pixels
      let top = Int(generator.next() % UInt64(16 - size)),
        left = Int(generator.next() % UInt64(16 - size))
      for y in 0..<16 {
        for x in 0..<16 { images[n, 0, y, x] = (generator.nextUnitFloat() - 0.5) * 0.4 }
      }
      for i in 0..<size {
        if label == 0 {
          images[n, 0, top, left + i] += 1
          images[n, 0, top + size - 1, left + i] += 1
          images[n, 0, top + i, left] += 1
          images[n, 0, top + i, left + size - 1] += 1
        } else {
          images[n, 0, top + size / 2, left + i] += 1
          images[n, 0, top + i, left + size / 2] += 1
        }
      }
    }
    return (images, labels)
  }

  static func batch(_ images: Tensor, _ labels: [Int], _ range: Range<Int>) -> (Tensor, [Int]) {
    let plane = 16 * 16
    return (
      Tensor(
        shape: [range.count, 1, 16, 16],
        data: Array(images.data[(range.lowerBound * plane)..<(range.upperBound * plane)])),
      Array(labels[range])
    )
  }

  @Test func convNetLearnsShapes() throws {
    var model = Sequential(named: [
      (
        "features",
        Sequential([
          Conv2d(inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1, seed: 11), ReLU(),
          MaxPool2d(kernelSize: 2),
          Conv2d(inChannels: 8, outChannels: 16, kernelSize: 3, padding: 1, seed: 12), ReLU(),
          MaxPool2d(kernelSize: 2),
          Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, seed: 14), ReLU(),
          AdaptiveAvgPool2d(outputHeight: 1, outputWidth: 1),
        ])
      ),
      ("classifier", Sequential([Flatten(), Linear(inFeatures: 32, outFeatures: 2, seed: 13)])),
    ])
    let train = Self.shapes(count: 512, seed: 1)
    let test = Self.shapes(count: 256, seed: 2)
    var optimizer = Adam(learningRate: 0.01)
    let schedule = LearningRateSchedule.linearWarmup(
      steps: 10, startFactor: 0.1, then: .cosine(totalSteps: 118, minimum: 0.0005))
    var step = 0
    for _ in 0..<8 {
      for start in stride(from: 0, to: 512, by: 32) {
        let (images, labels) = Self.batch(train.images, train.labels, start..<(start + 32))
        optimizer.learningRate = try schedule.learningRate(at: step, base: 0.01)
        let loss = crossEntropy(model.forward(images), labels: labels)
        _ = model.backward(loss.gradient)
        optimizer.step(&model)
        model.zeroGradients()
        step += 1
      }
    }
    let logits = model.forward(test.images)
    var correct = 0
    for n in 0..<256 where (logits[n, 1] > logits[n, 0] ? 1 : 0) == test.labels[n] { correct += 1 }
    let accuracy = Double(correct) / 256
    // Correct backward passes reach 99.2 %; dropping the ReLU mask gives 96.9 %, dropping the
    // conv input gradient 86.7 %, routing max-pool gradients to the wrong column 97.3 %.
    #expect(accuracy > 0.98, "test accuracy \(accuracy)")
  }
}
