import Datasets
import DetectorTraining
import Detectors
import Foundation
import NeuralNet
import ProposalIO
import RegionKitTestSupport
import Testing

/// `FastRCNNTraining.train` with an ONNX backbone, frozen and fine-tuned, on six 32x32
/// synthetic images: the network copied into the model folder, its weights saved only when
/// fine-tuned, the model loaded back and resumed.
@Suite(.tags(.slow)) struct FastRCNNBackboneTrainingTests {
  static func backbone(_ tensor: String = "max_pool2d") throws -> ONNXBackbone {
    try ONNXBackbone(
      contentsOf: Fixtures.url("onnx/dynamo_fcn.onnx"), tensor: tensor, probeSide: 32)
  }

  static func configuration(for dataset: Dataset, frozen: Bool) -> FastRCNNConfiguration {
    var c = FastRCNNTrainingTests.configuration(for: dataset)
    c.normalization = .imageNet
    c.backbone.isFrozen = frozen
    return c
  }

  @Test(arguments: [true, false])
  func trainsSavesAndLoadsTheBackbone(frozen: Bool) throws {
    let root = try Fixtures.temporaryDirectory("fast-training-onnx")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let file = try PrecomputedProposals(
      contentsOf: ProposalsFileFixture.write("all.jsonl", for: dataset, in: root))
    let folder = root.appendingPathComponent("model")
    let network = try Self.backbone()
    let observer = RecordingObserver()
    let result = try FastRCNNTraining.train(
      Self.configuration(for: dataset, frozen: frozen), on: dataset, proposals: .file(file),
      backbone: network, into: folder, observer: observer)
    #expect(result.history.count == 1)
    #expect(result.history[0].losses.values.allSatisfy { $0.isFinite })
    #expect(
      observer.notes.contains {
        $0.contains("backbone: onnx dynamo_fcn.onnx cut at \"max_pool2d\" (stride 2, 8 channels")
      }, "\(observer.notes)")
    #expect(
      FileManager.default.fileExists(atPath: folder.appendingPathComponent("backbone.onnx").path))
    let stored = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    #expect(stored.backbone == network.configuration(frozen: frozen))
    #expect(stored.normalization == .imageNet)
    let weights = try ModelFolder.weights(in: folder)
    #expect(weights.keys.contains { $0.hasPrefix("backbone.") } == !frozen)
    let loaded = try #require(try DetectorModel.load(from: folder) as? FastRCNN)
    let input = WeightInitialization.uniform(shape: [1, 3, 32, 32], bound: 2, seed: 1)
    let original = try network.features(input)
    // Frozen, the features are the network's own; fine-tuned, they moved.
    #expect((try loaded.backbone.features(input) == original) == frozen)
    let resumed = try FastRCNNTraining.train(
      stored.withEpochs(2), on: dataset, proposals: .file(file), into: folder, policy: .resume,
      observer: SilentTrainingObserver())
    #expect(resumed.history.map(\.epoch) == [1, 2])
  }

  /// Fine-tuning a network with an operator without backward pass stops before anything is
  /// written, naming the operator.
  @Test func anUntrainableBackboneStopsBeforeTraining() throws {
    let root = try Fixtures.temporaryDirectory("fast-training-untrainable")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let file = try PrecomputedProposals(
      contentsOf: ProposalsFileFixture.write("all.jsonl", for: dataset, in: root))
    let folder = root.appendingPathComponent("model")
    let error = #expect(throws: DetectorsError.self) {
      _ = try FastRCNNTraining.train(
        Self.configuration(for: dataset, frozen: false), on: dataset, proposals: .file(file),
        backbone: try Self.backbone("add"), into: folder, observer: SilentTrainingObserver())
    }
    guard case .untrainableBackbone(_, _, let op, _)? = error else {
      Issue.record("expected untrainableBackbone, got \(String(describing: error))")
      return
    }
    #expect(op == "HardSwish")
    #expect(!FileManager.default.fileExists(atPath: folder.path))
  }
}

extension FastRCNNConfiguration {
  /// The configuration with `training.epochs` set.
  fileprivate func withEpochs(_ epochs: Int) -> FastRCNNConfiguration {
    var copy = self
    copy.training.epochs = epochs
    return copy
  }
}
