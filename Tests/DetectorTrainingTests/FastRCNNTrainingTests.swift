import Datasets
import DetectorTraining
import Detectors
import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

/// `FastRCNNTraining.train` with proposals from a file, on six 32x32 synthetic images.
@Suite(.tags(.slow)) struct FastRCNNTrainingTests {
  static func configuration(for dataset: Dataset) -> FastRCNNConfiguration {
    var c = FastRCNNConfiguration(
      architecture: .fastRCNN,
      classes: dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) })
    c.maxSide = 32
    c.backboneChannels = [4, 8, 8, 8]
    c.hiddenSize = 16
    c.pooledSize = 3
    c.roisPerImage = 16
    c.training = TrainingSettings(
      epochs: 1, batchSize: 2, learningRate: 1e-3, seed: 1, validationFraction: 0.34)
    return c
  }

  @Test func aProposalsFileWithoutAnImageIsAnError() throws {
    let root = try Fixtures.temporaryDirectory("fast-training-missing")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let missing = dataset.images[3].fileName
    let url = try ProposalsFileFixture.write(
      "proposals.jsonl", for: dataset, leavingOut: [missing], in: root)
    let file = try PrecomputedProposals(contentsOf: url)
    let folder = root.appendingPathComponent("model")
    #expect(throws: DetectorsError.missingProposals(file: url.path, image: missing)) {
      _ = try FastRCNNTraining.train(
        Self.configuration(for: dataset), on: dataset, proposals: .file(file), into: folder,
        observer: SilentTrainingObserver())
    }
  }

  /// With `skipMissing` the image without proposals is left out, and the model records the
  /// proposals file it was trained on.
  @Test func skippingMissingImagesTrainsOnTheOthers() throws {
    let root = try Fixtures.temporaryDirectory("fast-training-skip")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let configuration = Self.configuration(for: dataset)
    let complete = try PrecomputedProposals(
      contentsOf: ProposalsFileFixture.write("all.jsonl", for: dataset, in: root))
    let partial = try PrecomputedProposals(
      contentsOf: ProposalsFileFixture.write(
        "proposals.jsonl", for: dataset, leavingOut: [dataset.images[3].fileName], in: root))
    let observer = SilentTrainingObserver()
    let all = try FastRCNNTraining.train(
      configuration, on: dataset, proposals: .file(complete), skipMissing: true,
      into: root.appendingPathComponent("all"), observer: observer)
    let folder = root.appendingPathComponent("model")
    let recording = RecordingObserver()
    let skipped = try FastRCNNTraining.train(
      configuration, on: dataset, proposals: .file(partial), skipMissing: true, into: folder,
      observer: recording)
    #expect(recording.notes.contains { $0.contains("skipped 1 images") })
    #expect(all.trainImages + all.validationImages == dataset.images.count)
    #expect(skipped.trainImages + skipped.validationImages == dataset.images.count - 1)
    #expect(skipped.history.count == 1)
    #expect(skipped.history[0].losses.values.allSatisfy { $0.isFinite })
    let stored = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    #expect(stored.proposalMethod == "proposals.jsonl")
    #expect(stored.training.proposals == "proposals.jsonl")
    // Trained on a file, the model needs proposals to detect.
    let detector = try DetectorModel.load(from: folder)
    #expect(detector is FastRCNN && detector.acceptsProposals)
  }
}
