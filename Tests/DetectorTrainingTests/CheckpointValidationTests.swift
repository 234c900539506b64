import DetectorTraining
import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// Bad values in a checkpoint's `trainer_state.json` and `optimizer.safetensors` are typed
/// errors naming the file and the key or tensor.
struct CheckpointValidationTests {
  static func record(
    _ epoch: Int, losses: [(String, Double)] = [("classification", 0.5), ("box", 0.25)],
    learningRate: Double = 1e-3, seconds: Double = 2, ap50: Double? = nil
  ) -> EpochRecord {
    EpochRecord(
      epoch: epoch, losses: losses, learningRate: learningRate, seconds: seconds,
      validationAP50: ap50)
  }

  /// A record with a value out of range, and the key the error names.
  static let badRecords: [(EpochRecord, String)] = [
    (
      record(2, losses: [("classification", -1), ("box", 0.25)]), "history[1].losses.classification"
    ),
    (
      record(2, losses: [("classification", .nan), ("box", 0.25)]),
      "history[1].losses.classification"
    ),
    (record(2, losses: [("classification", 0.5), ("box", .infinity)]), "history[1].losses.box"),
    (record(2, learningRate: -1e-3), "history[1].learningRate"),
    (record(2, learningRate: .nan), "history[1].learningRate"),
    (record(2, seconds: -5), "history[1].seconds"),
    (record(2, ap50: 1.5), "history[1].validationAP50"),
    (record(2, ap50: -0.5), "history[1].validationAP50"),
  ]

  @Test(arguments: 0..<badRecords.count)
  func recordsOutOfRangeNameTheKey(_ index: Int) {
    let (bad, key) = Self.badRecords[index]
    let state = TrainerState(epoch: 2, history: [Self.record(1), bad])
    let error = #expect(throws: DetectorsError.self) { try state.validate(file: "t.json") }
    guard case .invalidValue(let file, let found, _, _)? = error else {
      Issue.record("expected invalidValue, got \(String(describing: error))")
      return
    }
    #expect(file == "t.json" && found == key)
  }

  @Test func lossNamesMustMatchTheLosses() {
    var record = Self.record(1)
    record.lossNames = ["classification", "box", "rpn_box"]
    let state = TrainerState(epoch: 1, history: [record])
    let error = #expect(throws: DetectorsError.self) { try state.validate(file: "t.json") }
    guard case .invalidValue(_, let key, _, _)? = error else {
      Issue.record("expected invalidValue, got \(String(describing: error))")
      return
    }
    #expect(key == "history[0].lossNames")
  }

  /// COCO's -1 (no object to find) and values in [0, 1] are valid AP values.
  @Test func validRecordsPass() {
    let state = TrainerState(
      epoch: 3,
      history: [Self.record(1, ap50: -1), Self.record(2, ap50: 0), Self.record(3, ap50: 1)])
    #expect(throws: Never.self) { try state.validate(file: "t.json") }
  }

  /// A history value out of range read from disk names the checkpoint's file.
  @Test func stateFromDiskNamesTheFileAndKey() throws {
    let folder = try Fixtures.temporaryDirectory("checkpoint-values")
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = Checkpoints(folder: folder)
    try checkpoints.save(
      weights: [:], optimizer: Adam(), state: TrainerState(epoch: 1, history: [Self.record(1)]))
    let file = checkpoints.url(epoch: 1).appendingPathComponent("trainer_state.json")
    let text = try String(contentsOf: file, encoding: .utf8)
      .replacingOccurrences(of: "\"seconds\" : 2", with: "\"seconds\" : -2")
    try Data(text.utf8).write(to: file)
    let error = #expect(throws: DetectorsError.self) { _ = try checkpoints.state(epoch: 1) }
    guard case .invalidValue(let path, let key, let value, _)? = error else {
      Issue.record("expected invalidValue, got \(String(describing: error))")
      return
    }
    #expect(path == file.path && key == "history[0].seconds" && value == "-2.0")
    // A missing trainer_state.json is a malformed checkpoint naming it.
    try FileManager.default.removeItem(at: file)
    let missing = #expect(throws: DetectorsError.self) { _ = try checkpoints.state(epoch: 1) }
    guard case .malformedCheckpoint(let missingPath, _)? = missing else {
      Issue.record("expected malformedCheckpoint, got \(String(describing: missing))")
      return
    }
    #expect(missingPath == file.path)
  }

  /// Optimizer state whose tensors do not fit the parameters it will step, and a truncated
  /// file, are NeuralNet errors naming `optimizer.safetensors` and the tensor.
  @Test func optimizerStateMustFitTheModel() throws {
    let folder = try Fixtures.temporaryDirectory("checkpoint-optimizer")
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = Checkpoints(folder: folder)
    try checkpoints.save(
      weights: [:], optimizer: Adam(), state: TrainerState(epoch: 1, history: [Self.record(1)]))
    let file = checkpoints.url(epoch: 1).appendingPathComponent("optimizer.safetensors")
    try ModelFolder.writeTensors(
      [
        "exp_avg.w": Tensor(shape: [2], data: [0, 0]),
        "exp_avg_sq.w": Tensor(shape: [2], data: [0, 0]),
        "step.w": Tensor(shape: [1], data: [3]),
      ], to: file)
    var fits = Parameter(Tensor(shape: [2], data: [1, 2]))
    var wrong = Parameter(Tensor(shape: [3], data: [1, 2, 3]))
    var optimizer = Adam()
    try checkpoints.restore(&optimizer, epoch: 1) { $0("w", &fits) }
    var fresh = Adam()
    let mismatch = #expect(throws: NeuralNetError.self) {
      try checkpoints.restore(&fresh, epoch: 1) { $0("w", &wrong) }
    }
    guard case .shapeMismatch(let path, let tensor, let expected, let found)? = mismatch else {
      Issue.record("expected shapeMismatch, got \(String(describing: mismatch))")
      return
    }
    #expect(path == file.path && tensor == "exp_avg.w" && expected == [3] && found == [2])
    let unknown = #expect(throws: NeuralNetError.self) {
      try checkpoints.restore(&fresh, epoch: 1) { $0("v", &fits) }
    }
    guard case .unexpectedTensor(_, let name)? = unknown else {
      Issue.record("expected unexpectedTensor, got \(String(describing: unknown))")
      return
    }
    #expect(name == "exp_avg.w")
    let data = try Data(contentsOf: file)
    try data.prefix(data.count - 3).write(to: file)
    let truncated = #expect(throws: NeuralNetError.self) {
      try checkpoints.restore(&fresh, epoch: 1) { $0("w", &fits) }
    }
    #expect(truncated?.description.contains(file.path) == true, "\(String(describing: truncated))")
  }
}
