import Foundation
import RegionKitTestSupport
import Testing

/// `train ... --resume` from a damaged checkpoint stops with a message naming the file and
/// the key or tensor at fault, exits with a failure status (not a signal), and leaves the
/// model folder as it was.
@Suite(.tags(.slow)) struct ResumeBadCheckpointTests {
  /// A change to checkpoint 1 of a trained model, and what the message must name.
  struct Damage: Sendable, CustomTestStringConvertible {
    var name: String
    var file: String
    var named: String
    var apply: @Sendable (URL) throws -> Void
    var testDescription: String { name }
  }

  static func editState(_ checkpoint: URL, _ change: (inout [String: Any]) -> Void) throws {
    let file = checkpoint.appendingPathComponent("trainer_state.json")
    var state = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    change(&state)
    try JSONSerialization.data(withJSONObject: state).write(to: file)
  }

  static func editFirstRecord(_ checkpoint: URL, _ change: @escaping (inout [String: Any]) -> Void)
    throws
  {
    try editState(checkpoint) { state in
      guard var history = state["history"] as? [[String: Any]], !history.isEmpty else { return }
      change(&history[0])
      state["history"] = history
    }
  }

  static let damages: [Damage] = [
    Damage(name: "epoch 0", file: "trainer_state.json", named: "epoch") {
      try editState($0) { $0["epoch"] = 0 }
    },
    Damage(name: "epoch 2 in folder 1", file: "trainer_state.json", named: "says epoch 2") {
      try editState($0) { $0["epoch"] = 2 }
    },
    Damage(name: "negative loss", file: "trainer_state.json", named: "history[0].losses.box") {
      try editFirstRecord($0) { record in
        var losses = record["losses"] as? [String: Any] ?? [:]
        losses["box"] = -1
        record["losses"] = losses
      }
    },
    Damage(name: "seconds as text", file: "trainer_state.json", named: "seconds") {
      try editFirstRecord($0) { $0["seconds"] = "slow" }
    },
    Damage(name: "history not a list", file: "trainer_state.json", named: "history") {
      try editState($0) { $0["history"] = 7 }
    },
    Damage(name: "weights missing", file: "model.safetensors", named: "checkpoints/1") {
      try FileManager.default.removeItem(at: $0.appendingPathComponent("model.safetensors"))
    },
    Damage(name: "truncated optimizer", file: "optimizer.safetensors", named: "malformed") {
      let file = $0.appendingPathComponent("optimizer.safetensors")
      let data = try Data(contentsOf: file)
      try data.prefix(data.count / 2).write(to: file)
    },
    Damage(name: "optimizer of another model", file: "optimizer.safetensors", named: "exp_avg.") {
      // The optimizer state of the R-CNN CNN: tensors of parameters this model does not have.
      let other = try TrainedModels.model(.rcnnCNN).appendingPathComponent(
        "checkpoints/1/optimizer.safetensors")
      let file = $0.appendingPathComponent("optimizer.safetensors")
      try FileManager.default.removeItem(at: file)
      try FileManager.default.copyItem(at: other, to: file)
    },
  ]

  @Test(arguments: damages)
  func resumeStopsNamingTheFile(_ damage: Damage) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.copy(.classifyLocalize)
    defer { try? FileManager.default.removeItem(at: model.deletingLastPathComponent()) }
    let checkpoint = model.appendingPathComponent("checkpoints/1")
    try damage.apply(checkpoint)
    let before = try folderContents(model)
    let result = try Architecture.classifyLocalize.train(
      scenes, into: model, epochs: 2, ["--resume"])
    #expect(result.exitCode != 0 && result.exitCode < 128, "\(result.exitCode): \(result.stderr)")
    #expect(result.stderr.contains(damage.file), "\(result.stderr)")
    #expect(result.stderr.contains(damage.named), "\(result.stderr)")
    #expect(try folderContents(model) == before, "the refused run changed \(model.path)")
  }
}
