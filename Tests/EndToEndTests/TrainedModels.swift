import Foundation
import RegionKitTestSupport
import Testing

/// The detector architectures of `regionkit train`, each with options that train it in a few
/// seconds on ``TrainedModels/scenes``.
enum Architecture: String, CaseIterable, Sendable {
  case fasterRCNN = "faster-rcnn"
  case fastRCNN = "fast-rcnn"
  case rcnnCNN = "rcnn-cnn"
  case rcnnHOGSVM = "rcnn-hog-svm"
  case classifyLocalize = "classify-localize"

  /// The `train` subcommand and this variant's small settings (no dataset, `-o` or epochs).
  var trainArguments: [String] {
    switch self {
    case .fasterRCNN: ["faster-rcnn", "--max-side", "64", "--anchor-sizes", "16,32"]
    case .fastRCNN:
      ["fast-rcnn", "--max-side", "64", "--proposals", "sliding-window", "--max-proposals", "50"]
    case .rcnnCNN: ["rcnn", "--classifier", "cnn", "--crop-size", "16", "--max-proposals", "100"]
    case .rcnnHOGSVM:
      ["rcnn", "--classifier", "hog-svm", "--crop-size", "24", "--max-proposals", "100"]
    case .classifyLocalize: ["classify-localize", "--input-size", "16", "--batch-size", "4"]
    }
  }

  /// Whether it trains for `--epochs` with checkpoints (hog-svm trains in one pass).
  var trainsInEpochs: Bool { self != .rcnnHOGSVM }

  /// Runs `regionkit train` of this architecture on `dataset` into `model`, for `epochs`
  /// epochs where it has them, with `extra` options appended.
  func train(_ dataset: URL, into model: URL, epochs: Int = 1, _ extra: [String] = [])
    throws -> CommandResult
  {
    let schedule = trainsInEpochs ? ["--epochs", "\(epochs)"] : []
    return try runRegionKit(
      ["train"] + trainArguments + [dataset.path, "-o", model.path, "--no-progress"] + schedule
        + extra)
  }
}

/// A tiny synthetic detection set and one small model of each ``Architecture`` on it, made
/// once per test run by the first test that asks and shared by the suites. Tests only read
/// them: a test that writes into a model folder works on ``copy(_:)`` and removes it.
enum TrainedModels {
  /// This run's folder, `regionkit-e2e-shared/PID` in the temporary directory; the folders
  /// of earlier runs whose process has ended are removed first.
  private static let root = Result { () throws -> URL in
    let manager = FileManager.default
    let parent = manager.temporaryDirectory.appendingPathComponent("regionkit-e2e-shared")
    for name in (try? manager.contentsOfDirectory(atPath: parent.path)) ?? [] {
      guard let pid = Int32(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else {
        continue
      }
      try? manager.removeItem(at: parent.appendingPathComponent(name))
    }
    let folder = parent.appendingPathComponent("\(getpid())")
    try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// 12 scenes of 96x96 pixels with 1 or 2 objects each (circles, squares, triangles).
  static let scenes = Result { () throws -> URL in
    let folder = try root.get().appendingPathComponent("scenes")
    try synth(folder)
    return folder
  }

  /// Sliding-window proposals of ``scenes``, 50 per image, as `propose` writes them (.jsonl).
  static let proposals = Result { () throws -> URL in
    let file = try root.get().appendingPathComponent("scenes.jsonl")
    let result = try runRegionKit([
      "propose", try scenes.get().path, "--method", "sliding-window", "--top", "50", "-o",
      file.path, "--no-progress",
    ])
    guard result.exitCode == 0 else { throw SetupError("propose failed: \(result.stderr)") }
    return file
  }

  private static let fasterRCNN = Result { try trainShared(.fasterRCNN) }
  private static let fastRCNN = Result { try trainShared(.fastRCNN) }
  private static let rcnnCNN = Result { try trainShared(.rcnnCNN) }
  private static let rcnnHOGSVM = Result { try trainShared(.rcnnHOGSVM) }
  private static let classifyLocalize = Result { try trainShared(.classifyLocalize) }

  /// Writes the scenes of ``scenes`` (`synth --images 12 --size 96x96 --objects 2 --seed 1`)
  /// to `folder`.
  static func synth(_ folder: URL) throws {
    let result = try runRegionKit([
      "synth", "-o", folder.path, "--images", "12", "--size", "96x96", "--objects", "2", "--seed",
      "1",
    ])
    guard result.exitCode == 0 else { throw SetupError("synth failed: \(result.stderr)") }
  }

  /// The shared model of `architecture`, trained for one epoch on ``scenes``.
  static func model(_ architecture: Architecture) throws -> URL {
    switch architecture {
    case .fasterRCNN: try fasterRCNN.get()
    case .fastRCNN: try fastRCNN.get()
    case .rcnnCNN: try rcnnCNN.get()
    case .rcnnHOGSVM: try rcnnHOGSVM.get()
    case .classifyLocalize: try classifyLocalize.get()
    }
  }

  /// A copy of the shared model of `architecture` in a fresh temporary folder, for tests that
  /// change it (they remove its parent folder).
  static func copy(_ architecture: Architecture) throws -> URL {
    let source = try model(architecture)
    let copy = try Fixtures.temporaryDirectory("e2e-model").appendingPathComponent(
      architecture.rawValue)
    try FileManager.default.copyItem(at: source, to: copy)
    return copy
  }

  private static func trainShared(_ architecture: Architecture) throws -> URL {
    let model = try root.get().appendingPathComponent(architecture.rawValue)
    let result = try architecture.train(try scenes.get(), into: model)
    guard result.exitCode == 0 else {
      throw SetupError("train \(architecture.rawValue) failed: \(result.stderr)")
    }
    return model
  }
}

/// A shared dataset or model could not be made.
struct SetupError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Every regular file under `folder` by relative path, with its bytes.
func folderContents(_ folder: URL) throws -> [String: Data] {
  var contents: [String: Data] = [:]
  let base = folder.standardizedFileURL.path
  let enumerator = FileManager.default.enumerator(
    at: folder, includingPropertiesForKeys: [.isRegularFileKey])
  while let url = enumerator?.nextObject() as? URL {
    guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else {
      continue
    }
    let path = url.standardizedFileURL.path
    contents[String(path.dropFirst(base.count + 1))] = try Data(contentsOf: url)
  }
  return contents
}

/// The `"epoch"` of every record of `model/history.json`.
func historyEpochs(_ model: URL) throws -> [Int] {
  let records = try #require(
    JSONSerialization.jsonObject(
      with: Data(contentsOf: model.appendingPathComponent("history.json"))) as? [[String: Any]])
  return records.compactMap { $0["epoch"] as? Int }
}

/// Rewrites `model/config.json` with `change` applied to its top-level object.
func editConfiguration(of model: URL, _ change: (inout [String: Any]) -> Void) throws {
  let url = model.appendingPathComponent("config.json")
  var object = try #require(
    JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
  change(&object)
  try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    .write(to: url)
}
