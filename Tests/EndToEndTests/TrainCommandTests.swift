import Foundation
import RegionKitTestSupport
import Testing

/// `regionkit train` on a tiny synthetic set: model folder, checkpoints, resume, loss study.
@Suite struct TrainCommandTests {
  static func synth(_ folder: URL, count: Int = 12) throws -> URL {
    let dataset = folder.appendingPathComponent("data")
    let result = try runRegionKit([
      "synth", "-o", dataset.path, "--count", "\(count)", "--size", "24x24", "--classes",
      "circle,square",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    return dataset
  }

  static let small = ["--input-size", "16", "--batch-size", "4", "--no-progress"]

  @Test func trainsWritesTheModelFolderAndResumes() throws {
    let folder = try Fixtures.temporaryDirectory("train")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Self.synth(folder)
    let model = folder.appendingPathComponent("model")
    let result = try runRegionKit(
      [
        "train", "--arch", "classify-localize", dataset.path, "-o", model.path, "--epochs", "2",
        "--checkpoint-every", "1",
        "--box-loss", "smooth-l1:1/9", "--classification-weight", "1", "--box-weight", "2",
      ] + Self.small)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains("classify-localize trained for 2 epochs on 10 images"),
      "\(result.stdout)")
    #expect(result.stdout.contains("validation mean IoU"))
    #expect(result.stderr.contains("largest object"))
    for file in [
      "config.json", "model.safetensors", "history.json", "checkpoint-1/optimizer.safetensors",
      "checkpoint-2/trainer_state.json",
    ] {
      #expect(
        FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), "\(file)")
    }
    let config = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any])
    #expect(config["architecture"] as? String == "classify-localize")
    #expect(config["classes"] as? [String] == ["circle", "square"])
    #expect(config["boxWeight"] as? Double == 2)

    let resumed = try runRegionKit(
      ["train", dataset.path, "-o", model.path, "--epochs", "3", "--resume"] + Self.small)
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("trained for 3 epochs"), "\(resumed.stdout)")
    let history = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("history.json"))) as? [[String: Any]])
    #expect(history.map { $0["epoch"] as? Int } == [1, 2, 3])
  }

  @Test func lossStudyWritesTableAndPlots() throws {
    let folder = try Fixtures.temporaryDirectory("train-study")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Self.synth(folder, count: 10)
    let study = folder.appendingPathComponent("study")
    let result = try runRegionKit(
      ["train", dataset.path, "-o", study.path, "--epochs", "1", "--loss-study"] + Self.small)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("| smooth-l1-b0.111 | 10% outliers |"), "\(result.stdout)")
    for file in [
      "loss-study.md", "loss-study.json", "mean-iou-clean.svg", "mean-iou-outliers.png",
      "train-box-loss.png",
    ] {
      #expect(
        FileManager.default.fileExists(atPath: study.appendingPathComponent(file).path), "\(file)")
    }
  }

  @Test(arguments: [
    ["--box-loss", "huber"], ["--epochs", "0"], ["--validation-fraction", "1"], ["--arch", "yolo"],
  ])
  func badOptionsAreRejected(options: [String]) throws {
    let result = try runRegionKit(["train", "/nonexistent", "-o", "/tmp/never"] + options)
    #expect(result.exitCode != 0)
    #expect(
      result.stderr.contains(options[0]) || result.stderr.contains(options[1]), "\(result.stderr)")
  }

  @Test func helpSaysLargestObject() throws {
    let result = try runRegionKit(["train", "--help"])
    #expect(result.stdout.contains("LARGEST object"))
  }
}
