import Boxes
import Datasets
import Detectors
import Imaging
import NeuralNet
import Proposals
import Testing

/// The R-CNN pipeline: crop geometry, bad input, and tiny end-to-end training of both
/// backends.
@Suite struct RCNNTests {
  /// A classifier that returns a fixed (possibly wrong) shape.
  struct Broken: RegionClassifier {
    var classes = ["a", "b"]
    var columns = 2
    func classify(_ regions: Tensor) throws -> RegionClassification {
      RegionClassification(
        probabilities: Tensor(zeros: [regions.shape[0], columns]))
    }
  }

  /// Fixed proposals, for tests without selective search.
  struct FixedProposals: ProposalGenerator {
    var boxes: [Box]
    var name: String { "fixed" }
    func proposals(for image: Image) throws -> [Proposal] {
      boxes.map { Proposal(box: $0, score: 1, provenance: Provenance(method: "fixed")) }
    }
  }

  @Test func cropWithContextGeometryOnAHandExample() {
    // A 32x32 box into a 48x48 crop with 8 px of context: scale 1, so the crop shows the
    // image rectangle [12, 68) in both directions.
    let box = Box(x1: 20, y1: 20, x2: 52, y2: 52)
    let outer = RCNN.contextBox(box, width: 48, height: 48, contextPadding: 8)
    #expect(outer == Box(x1: 12, y1: 12, x2: 60, y2: 60))
    // A horizontal ramp image: pixel value = x / 100 at pixel centres x + 0.5.
    var pixels = [Float](repeating: 0, count: 100 * 100 * 3)
    for y in 0..<100 {
      for x in 0..<100 { for c in 0..<3 { pixels[(y * 100 + x) * 3 + c] = Float(x) / 100 } }
    }
    let image = Image(width: 100, height: 100, channels: 3, pixels: pixels)
    let crops = RCNN.crops(of: image, boxes: [box], width: 48, height: 48, contextPadding: 8)
    #expect(crops.shape == [1, 3, 48, 48])
    // Output column 0 samples image x = 12.5 (pixel 12's centre), column 8 the box's left
    // edge pixel 20, column 47 pixel 59.
    #expect(abs(crops.data[0] - 0.12) < 1e-5)
    #expect(abs(crops.data[8] - 0.20) < 1e-5)
    #expect(abs(crops.data[47] - 0.59) < 1e-5)
    // The paper's share of context: 16 px at 227, 2 px at 32.
    #expect(RCNN.defaultContextPadding(inputSize: 227) == 16)
    #expect(RCNN.defaultContextPadding(inputSize: 32) == 2)
  }

  @Test func noProposalsGiveNoDetections() throws {
    let rcnn = RCNN(
      classifier: Broken(), inputSize: 16, proposalGenerator: FixedProposals(boxes: []))
    let image = Image(width: 32, height: 32, channels: 3, repeating: 0.5)
    #expect(try rcnn.detect(in: image).isEmpty)
  }

  @Test func wrongShapesThrowATypedErrorNamingTheClassifier() {
    let rcnn = RCNN(
      classifier: Broken(), inputSize: 16,
      proposalGenerator: FixedProposals(boxes: [Box(x1: 1, y1: 1, x2: 20, y2: 20)]))
    let image = Image(width: 32, height: 32, channels: 3, repeating: 0.5)
    #expect {
      try rcnn.detect(in: image)
    } throws: { error in
      guard case .malformedClassification(let name, let reason)? = error as? DetectorsError
      else { return false }
      return name == "Broken" && reason.contains("[1, 2]") && reason.contains("[1, 3]")
    }
  }

  /// Six 64x64 scenes with proposals = ground truth jittered + a coarse grid.
  static func tinyImages() -> [RCNNTrainingImage] {
    let scenes = SyntheticScenes(width: 64, height: 64, maxObjects: 2)
    let shapes = SyntheticShapes.Shape.allCases
    return (0..<6).map { index in
      let sample = scenes.sample(index, seed: 42)
      let boxes = sample.objects.map(\.box)
      var proposals: [Box] = []
      for box in boxes {
        for (dx, dy) in [(0, 0), (2, 1), (-2, -1), (3, -2), (-1, 3)] as [(Float, Float)] {
          proposals.append(
            Box(x1: box.x1 + dx, y1: box.y1 + dy, x2: box.x2 + dx, y2: box.y2 - dy))
        }
      }
      for y in stride(from: 0, to: 48, by: 16) {
        for x in stride(from: 0, to: 48, by: 16) {
          proposals.append(Box(x1: Float(x), y1: Float(y), x2: Float(x + 24), y2: Float(y + 24)))
        }
      }
      return RCNNTrainingImage(
        image: sample.image, boxes: boxes,
        labels: sample.objects.map { shapes.firstIndex(of: $0.shape)! + 1 }, proposals: proposals)
    }
  }

  @Test func sampleSelectionFollowsThePaper() {
    let item = Self.tinyImages()[0]
    let coder = BoxCoder()
    let regions = item.fineTuningRegions(coder: coder)
    // Ground truth first, with zero deltas; then one region per proposal.
    #expect(regions.count == item.boxes.count + item.proposals.count)
    #expect(
      regions[0].box == item.boxes[0] && regions[0].target == BoxDelta(dx: 0, dy: 0, dw: 0, dh: 0))
    let overlaps = item.bestOverlaps()
    for (p, region) in regions.dropFirst(item.boxes.count).enumerated() {
      #expect((region.label > 0) == (overlaps[p].iou >= 0.5))
    }
    let negatives = item.negativeProposals()
    #expect(negatives.allSatisfy { box in item.boxes.allSatisfy { box.iou($0) < 0.3 } })
    #expect(item.regressionRegions(coder: coder).allSatisfy { $0.label > 0 && $0.target != nil })
  }

  @Test func tinyCNNTrainingLowersTheLossAndDetects() throws {
    var configuration = RCNNConfiguration(
      backend: .cnn, classes: ["circle", "square", "triangle"], categoryIDs: [1, 2, 3],
      inputSize: 16)
    configuration.channels = [4, 8]
    configuration.hiddenFeatures = 16
    let trainer = RCNNTrainer(configuration: configuration, seed: 1, threads: 2)
    let images = Self.tinyImages()
    let pool = try trainer.regionPool(images)
    #expect(pool.foregroundCount > 0 && pool.count > pool.foregroundCount)
    // The pool is the same for any thread count.
    let single = try RCNNTrainer(configuration: configuration, seed: 1, threads: 1).regionPool(
      images)
    #expect(single.crops == pool.crops && single.labels == pool.labels)
    var model = RCNNModelFolder.makeCNN(configuration, seed: 1)
    var optimizer = CheckpointedAdam(learningRate: 0.01)
    var losses: [Double] = []
    for epoch in 1...6 {
      let loss = trainer.trainEpoch(
        epoch, epochs: 6, model: &model, optimizer: &optimizer, pool: pool, batchSize: 32,
        learningRate: 0.01)
      losses.append(loss.classification + loss.box)
    }
    #expect(losses.last! < losses.first! * 0.8, "losses \(losses)")
    let rcnn = RCNN(classifier: model, inputSize: 16)
    let answer = try rcnn.classify(images[0].proposals, in: images[0].image)
    #expect(answer.probabilities.shape == [images[0].proposals.count, 4])
    #expect(answer.boxDeltas?.shape == [images[0].proposals.count, 16])
    let objects = try rcnn.detect(in: images[0].image, proposals: images[0].proposals)
    #expect(objects.allSatisfy { (1...3).contains($0.label) && $0.score >= 0.05 })
  }

  @Test func tinyHOGSVMTrainingSeparatesTheTrainingObjects() throws {
    let configuration = RCNNConfiguration(
      backend: .hogSVM, classes: ["circle", "square", "triangle"], categoryIDs: [1, 2, 3],
      inputSize: 24)
    let images = Self.tinyImages()
    let (classifier, report) = try RCNNTrainer(configuration: configuration, seed: 1).trainHOGSVM(
      images)
    #expect(report.positives.reduce(0, +) == images.map(\.boxes.count).reduce(0, +))
    let rcnn = RCNN(classifier: classifier, inputSize: 24)
    for item in images {
      let answer = try rcnn.classify(item.boxes, in: item.image)
      for (row, label) in item.labels.enumerated() {
        let scores = (1...3).map { answer.probabilities.data[row * 4 + $0] }
        #expect(scores.firstIndex(of: scores.max()!)! + 1 == label)
      }
    }
  }
}
