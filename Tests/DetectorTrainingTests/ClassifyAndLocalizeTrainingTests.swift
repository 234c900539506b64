import Datasets
import DetectorTraining
import Detectors
import Foundation
import RegionKitTestSupport
import Testing

/// `ClassifyAndLocalizeTraining.train`: the model folder, resuming and the existing-model
/// policies, on six 32x32 synthetic images.
@Suite(.tags(.slow)) struct ClassifyAndLocalizeTrainingTests {
  /// A dataset of six images in `folder/data` and a tiny configuration for it.
  static func setUp(in folder: URL, epochs: Int) throws -> (
    Dataset, ClassifyAndLocalizeConfiguration
  ) {
    let dataset = try SyntheticShapes(width: 32, height: 32).writeCOCO(
      count: 6, seed: 3, to: folder.appendingPathComponent("data"))
    var configuration = ClassifyAndLocalizeConfiguration(
      classes: dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) },
      inputWidth: 16, inputHeight: 16, channels: [4, 4, 8, 8], hiddenFeatures: 8)
    configuration.training = TrainingSettings(
      epochs: epochs, batchSize: 2, learningRate: 0.01, seed: 4, validationFraction: 0.34)
    return (dataset, configuration)
  }

  static func contents(_ folder: URL, _ file: String) throws -> Data {
    try Data(contentsOf: folder.appendingPathComponent(file))
  }

  /// Two epochs straight equal one epoch, then `.resume` with two: bit-identical weights,
  /// the same configuration and the same losses.
  @Test func resumingEqualsTrainingStraight() throws {
    let root = try Fixtures.temporaryDirectory("classify-training-resume")
    defer { try? FileManager.default.removeItem(at: root) }
    let (dataset, twoEpochs) = try Self.setUp(in: root, epochs: 2)
    var oneEpoch = twoEpochs
    oneEpoch.training.epochs = 1
    let straightFolder = root.appendingPathComponent("straight")
    let resumedFolder = root.appendingPathComponent("resumed")
    let observer = SilentTrainingObserver()
    let straight = try ClassifyAndLocalizeTraining.train(
      twoEpochs, on: dataset, into: straightFolder, observer: observer)
    let first = try ClassifyAndLocalizeTraining.train(
      oneEpoch, on: dataset, into: resumedFolder, observer: observer)
    #expect(first.history.count == 1)
    #expect(Checkpoints(folder: resumedFolder).latest == 1)
    let resuming = RecordingObserver()
    let resumed = try ClassifyAndLocalizeTraining.train(
      twoEpochs, on: dataset, into: resumedFolder, policy: .resume, observer: resuming)
    // Only epoch 2 was trained; epoch 1's record came from the checkpoint as it was.
    #expect(resuming.epochs == [2])
    #expect(resumed.history.first == first.history.first)
    #expect(straight.history.count == 2 && resumed.history.count == 2)
    #expect(resumed.history.map(\.losses) == straight.history.map(\.losses))
    #expect(resumed.history.map(\.epoch) == [1, 2])
    #expect(
      try Self.contents(resumedFolder, "model.safetensors")
        == Self.contents(straightFolder, "model.safetensors"))
    #expect(
      try Self.contents(resumedFolder, "config.json")
        == Self.contents(straightFolder, "config.json"))
    #expect(Checkpoints(folder: resumedFolder).epochs == [1, 2])
    #expect(straight.trainImages == 4 && straight.validationImages == 2)
    #expect(straight.validationAP50 != nil)
    // The folder loads as a detector.
    let detector = try DetectorModel.load(from: resumedFolder)
    #expect(detector is ClassifyAndLocalize && detector.classes == twoEpochs.classes)
  }

  /// Resuming a finished run with no more epochs trains nothing and keeps the model.
  @Test func resumingAFinishedRunKeepsTheModel() throws {
    let root = try Fixtures.temporaryDirectory("classify-training-finished")
    defer { try? FileManager.default.removeItem(at: root) }
    let (dataset, configuration) = try Self.setUp(in: root, epochs: 1)
    let folder = root.appendingPathComponent("model")
    let observer = SilentTrainingObserver()
    _ = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: folder, observer: observer)
    let weights = try Self.contents(folder, "model.safetensors")
    let resuming = RecordingObserver()
    let again = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: folder, policy: .resume, observer: resuming)
    #expect(again.history.count == 1 && resuming.epochs.isEmpty)
    #expect(try Self.contents(folder, "model.safetensors") == weights)
  }

  @Test func refusingAnExistingModelThrows() throws {
    let root = try Fixtures.temporaryDirectory("classify-training-refuse")
    defer { try? FileManager.default.removeItem(at: root) }
    let (dataset, configuration) = try Self.setUp(in: root, epochs: 1)
    let folder = root.appendingPathComponent("model")
    let observer = SilentTrainingObserver()
    _ = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: folder, observer: observer)
    let weights = try Self.contents(folder, "model.safetensors")
    #expect(throws: DetectorsError.existingModel(folder: folder.path)) {
      _ = try ClassifyAndLocalizeTraining.train(
        configuration, on: dataset, into: folder, policy: .refuse, observer: observer)
    }
    #expect(try Self.contents(folder, "model.safetensors") == weights)
    // Checkpoints alone (a run killed after its first checkpoint) also count as a model.
    try FileManager.default.removeItem(at: folder.appendingPathComponent("config.json"))
    #expect(throws: DetectorsError.existingModel(folder: folder.path)) {
      _ = try ClassifyAndLocalizeTraining.train(
        configuration, on: dataset, into: folder, observer: observer)
    }
  }

  /// `.replace` trains from scratch: the result equals training into an empty folder, and the
  /// old run's checkpoints are gone.
  @Test func replacingRetrainsFromScratch() throws {
    let root = try Fixtures.temporaryDirectory("classify-training-replace")
    defer { try? FileManager.default.removeItem(at: root) }
    let (dataset, configuration) = try Self.setUp(in: root, epochs: 1)
    let folder = root.appendingPathComponent("model")
    let observer = SilentTrainingObserver()
    var twoEpochs = configuration
    twoEpochs.training.epochs = 2
    _ = try ClassifyAndLocalizeTraining.train(
      twoEpochs, on: dataset, into: folder, observer: observer)
    #expect(Checkpoints(folder: folder).epochs == [1, 2])
    let replaced = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: folder, policy: .replace, observer: observer)
    #expect(replaced.history.count == 1)
    #expect(Checkpoints(folder: folder).epochs == [1])
    let fresh = root.appendingPathComponent("fresh")
    _ = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: fresh, observer: observer)
    #expect(
      try Self.contents(folder, "model.safetensors") == Self.contents(fresh, "model.safetensors"))
    #expect(
      try ModelFolder.configuration(ClassifyAndLocalizeConfiguration.self, in: folder).training
        .epochs == 1)
  }

  /// Resuming on a dataset with other classes is refused.
  @Test func resumingWithOtherClassesThrows() throws {
    let root = try Fixtures.temporaryDirectory("classify-training-classes")
    defer { try? FileManager.default.removeItem(at: root) }
    let (dataset, configuration) = try Self.setUp(in: root, epochs: 1)
    let folder = root.appendingPathComponent("model")
    let observer = SilentTrainingObserver()
    _ = try ClassifyAndLocalizeTraining.train(
      configuration, on: dataset, into: folder, observer: observer)
    var other = configuration
    other.classes[0].name = "ellipse"
    let error = #expect(throws: DetectorsError.self) {
      _ = try ClassifyAndLocalizeTraining.train(
        other, on: dataset, into: folder, policy: .resume, observer: observer)
    }
    guard case .classMismatch(_, let expected, let found)? = error else {
      Issue.record("expected classMismatch, got \(String(describing: error))")
      return
    }
    #expect(expected == configuration.classNames && found == other.classNames)
  }
}
