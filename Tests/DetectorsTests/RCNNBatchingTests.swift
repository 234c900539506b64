import Boxes
import Datasets
import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Synchronization
import Testing

/// R-CNN warps and classifies crops in batches on threads: the batch plan, and results that do
/// not depend on the thread count or the batch size.
@Suite struct RCNNBatchingTests {
  /// Records the size of every batch it is given; probabilities from each crop's mean.
  final class Recorder: RegionClassifier {
    let sizes = Mutex<[Int]>([])
    var classes: [String] { ["bright"] }
    func classify(_ regions: Tensor) throws -> RegionClassification {
      let count = regions.shape[0], size = regions.data.count / max(count, 1)
      sizes.withLock { $0.append(count) }
      var p = Tensor(zeros: [count, 2])
      for r in 0..<count {
        let mean = regions.data[(r * size)..<((r + 1) * size)].reduce(0, +) / Float(size)
        p.data[r * 2 + 1] = mean
        p.data[r * 2] = 1 - mean
      }
      return RegionClassification(probabilities: p)
    }
  }

  static let scene = try! SyntheticScenes(width: 64, height: 64, maxObjects: 2).sample(4, seed: 5)

  /// 150 boxes over the scene.
  static let boxes: [Box] = (0..<150).map { i in
    let x = Float(i % 10) * 5, y = Float(i / 10) * 3
    return Box(x1: x, y1: y, x2: x + 12 + Float(i % 7), y2: y + 10 + Float(i % 5))
  }

  @Test func batchesAreCutForThreadsButNotBelow32() {
    let classifier = Recorder()
    var rcnn = RCNN(classifier: classifier, inputSize: 16)
    #expect(rcnn.batchRanges(count: 600) == [0..<256, 256..<512, 512..<600])
    rcnn.threads = 2
    #expect(rcnn.batchRanges(count: 100) == [0..<50, 50..<100])
    #expect(rcnn.batchRanges(count: 40) == [0..<32, 32..<40])
    rcnn.threads = 8
    #expect(
      rcnn.batchRanges(count: 600) == [
        0..<75, 75..<150, 150..<225, 225..<300, 300..<375,
        375..<450, 450..<525, 525..<600,
      ])
    rcnn.batchSize = 10
    #expect(rcnn.batchRanges(count: 25) == [0..<10, 10..<20, 20..<25])
    #expect(rcnn.batchRanges(count: 0).isEmpty)
  }

  @Test func eachCallGetsAWholeBatch() throws {
    let classifier = Recorder()
    let rcnn = RCNN(classifier: classifier, inputSize: 16, threads: 2)
    _ = try rcnn.classify(Self.boxes, in: Self.scene.image)
    #expect(classifier.sizes.withLock { $0.sorted() } == [75, 75])
  }

  @Test func onnxDetectionsAreTheSameForAnyThreadCountAndBatchSize() throws {
    let classifier = try ONNXRegionClassifier(
      model: ShapesClassifierFixture.logits(), labels: ShapesClassifierFixture.labels(),
      classes: ShapesClassifierFixture.classes, cropSize: 32)
    let saved = ComputeThreads.count
    defer { try? ComputeThreads.setCount(saved) }
    var results: [RegionClassification] = []
    for (threads, batchSize, computeThreads) in [(1, 256, 1), (2, 256, 2), (2, 32, 1), (3, 7, 2)] {
      try ComputeThreads.setCount(computeThreads)
      let rcnn = RCNN(classifier: classifier, inputSize: 32, batchSize: batchSize, threads: threads)
      results.append(try rcnn.classify(Self.boxes, in: Self.scene.image))
    }
    #expect(results.allSatisfy { $0 == results[0] })
    #expect(results[0].probabilities.shape == [150, 4])
  }
}
