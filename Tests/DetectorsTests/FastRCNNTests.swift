import Boxes
import Foundation
import Imaging
import NeuralNet
import Testing

@testable import Detectors

@Suite struct FastRCNNTests {
  func configuration(_ architecture: DetectorArchitecture) -> FastRCNNConfiguration {
    var c = FastRCNNConfiguration(
      architecture: architecture, classes: DetectorClass.numbered(["a", "b"]))
    c.maxSide = 32
    c.backboneChannels = [4, 8, 8, 8]
    c.hiddenSize = 16
    c.pooledSize = 3
    c.anchorSizes = [8, 16]
    c.roisPerImage = 16
    c.rpnSampleCount = 32
    return c
  }

  /// A 32x32 image with a bright square (class 0) and a dark square (class 1).
  func input(_ c: FastRCNNConfiguration) -> (FastRCNN.Input, [(box: Box, label: Int)]) {
    var pixels = [Float](repeating: 0.5, count: 32 * 32 * 3)
    for y in 0..<32 {
      for x in 0..<32 {
        if (4..<14).contains(x) && (4..<14).contains(y) {
          for ch in 0..<3 { pixels[(y * 32 + x) * 3 + ch] = 1 }
        }
        if (18..<30).contains(x) && (16..<28).contains(y) {
          for ch in 0..<3 { pixels[(y * 32 + x) * 3 + ch] = 0 }
        }
      }
    }
    let image = Imaging.Image(width: 32, height: 32, channels: 3, pixels: pixels)
    return (
      FastRCNN.input(image, configuration: c),
      [(Box(x1: 4, y1: 4, x2: 14, y2: 14), 0), (Box(x1: 18, y1: 16, x2: 30, y2: 28), 1)]
    )
  }

  @Test func headLossGradientMatchesFiniteDifferences() {
    var c = configuration(.fastRCNN)
    c.boxLoss = .smoothL1(beta: 1)
    var head = RoIHead(classes: c.classNames, inputFeatures: 2 * 2 * 2, hiddenSize: 5, seed: 3)
    var random = SplitMix64(seed: 4)
    let pooled = Tensor(shape: [3, 2, 2, 2], data: (0..<24).map { _ in random.nextNormal() })
    let labels = [1, 0, 2]
    let targets: [[Float]] = [[0.3, -0.2, 0.1, 0.5], [0, 0, 0, 0], [-0.4, 0.2, 0.3, -0.1]]
    let loss = FastRCNNLoss(boxLoss: c.boxLoss, classificationWeight: 1, boxWeight: 2)
    func value(_ x: Tensor) -> Float {
      var copy = head
      let (l, d) = copy.forward(x)
      let t = loss.evaluate(logits: l, deltas: d, labels: labels, targets: targets)
      return t.classification + 2 * t.box
    }
    let (logits, deltas) = head.forward(pooled)
    let terms = loss.evaluate(logits: logits, deltas: deltas, labels: labels, targets: targets)
    #expect(terms.box > 0)
    let gradient = head.backward(logits: terms.logitsGradient, deltas: terms.deltasGradient)
    let h: Float = 1e-2
    for index in [0, 5, 11, 17, 23] {
      var plus = pooled, minus = pooled
      plus.data[index] += h
      minus.data[index] -= h
      let numeric = (value(plus) - value(minus)) / (2 * h)
      #expect(abs(numeric - gradient.data[index]) < 2e-2 * max(1, abs(numeric)))
    }
  }

  @Test func roiAlignGradientReachesTheFeatures() throws {
    let c = configuration(.fastRCNN)
    var model = FastRCNN(configuration: c, seed: 1)
    let (input, objects) = input(c)
    let features = try model.features(input.tensor)
    #expect(features.shape == [1, 8, 4, 4])
    let step = try model.headStep(
      features: features, proposals: [Box(x1: 3, y1: 3, x2: 15, y2: 15)], objects: objects,
      seed: 0, weight: 1)
    #expect(step.featureGradient.shape == features.shape)
    #expect(step.featureGradient.data.contains { $0 != 0 })
  }

  func trainLosses(_ architecture: DetectorArchitecture, steps: Int) throws -> [Float] {
    let c = configuration(architecture)
    var model = try FasterRCNN(configuration: c, seed: 7)
    var optimizer = Adam(learningRate: 3e-3)
    let (input, objects) = input(c)
    let proposals = [
      Box(x1: 3, y1: 3, x2: 15, y2: 15), Box(x1: 17, y1: 15, x2: 31, y2: 29),
      Box(x1: 0, y1: 0, x2: 16, y2: 16), Box(x1: 8, y1: 8, x2: 24, y2: 24),
      Box(x1: 16, y1: 0, x2: 32, y2: 16), Box(x1: 0, y1: 16, x2: 16, y2: 32),
      Box(x1: 5, y1: 2, x2: 12, y2: 16),
    ]
    var losses: [Float] = []
    for step in 0..<steps {
      let l: FastRCNN.StepLosses
      if architecture == .fasterRCNN {
        model.zeroGradients()
        l = try model.trainStep(input, objects: objects, seed: UInt64(step))
        model.visitParameters { optimizer.update($0, &$1) }
      } else {
        model.fast.zeroGradients()
        l = try model.fast.trainStep(
          input, proposals: proposals, objects: objects, seed: UInt64(step))
        model.fast.visitParameters { optimizer.update($0, &$1) }
      }
      losses.append(l.total)
    }
    return losses
  }

  @Test(arguments: [DetectorArchitecture.fastRCNN, .fasterRCNN])
  func tinyTrainingLowersTheLoss(_ architecture: DetectorArchitecture) throws {
    let losses = try trainLosses(architecture, steps: 40)
    let first = losses.prefix(3).reduce(0, +) / 3, last = losses.suffix(3).reduce(0, +) / 3
    #expect(last < 0.7 * first, "\(losses)")
    #expect(losses.allSatisfy { $0.isFinite })
  }

  @Test func trainingIsDeterministic() throws {
    let first = try trainLosses(.fasterRCNN, steps: 3)
    let second = try trainLosses(.fasterRCNN, steps: 3)
    #expect(first == second)
  }

  @Test func imagesWithoutObjectsTrainOnBackgroundOnly() throws {
    let c = configuration(.fasterRCNN)
    var model = try FasterRCNN(configuration: c, seed: 7)
    let (input, _) = input(c)
    let l = try model.trainStep(input, objects: [], seed: 0)
    #expect(l.total.isFinite && l.box == 0 && l.rpnBox == 0)
    let f = try model.fast.trainStep(input, proposals: [], objects: [], seed: 0)
    #expect(f.total == 0)
  }

  @Test func detectionsUseThePostprocessorAndStayInTheImage() throws {
    let c = configuration(.fasterRCNN)
    var model = try FasterRCNN(configuration: c, seed: 7)
    model.fast.postprocessor.scoreThreshold = 0
    let (input, _) = input(c)
    let (features, proposals) = try model.proposals(input)
    #expect(proposals.count <= c.rpnPostNMSTest)
    let objects = try model.fast.detections(
      features: features, proposals: proposals.map(\.box), width: 32, height: 32)
    for o in objects {
      #expect(o.box.x1 >= 0 && o.box.x2 <= 32 && o.label >= 1 && o.label <= 2)
    }
  }
}
