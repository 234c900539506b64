import Foundation
import RegionKitTestSupport
import Testing

/// `train faster-rcnn` and `train fast-rcnn`, resumed and run by `detect`, and proposals
/// files (`.jsonl` from `propose`, `.npz` from `merge`) for Fast R-CNN and R-CNN.
@Suite(.tags(.slow)) struct FastRCNNCommandTests {
  @Test(arguments: [
    ["faster-rcnn", "--anchor-sizes", "16,32"],
    ["fast-rcnn", "--proposals", "sliding-window", "--max-proposals", "50"],
  ])
  func trainsResumesAndDetects(_ command: [String]) throws {
    let folder = try Fixtures.temporaryDirectory("fast-rcnn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = folder.appendingPathComponent("scenes")
    let synth = try runRegionKit([
      "synth", "-o", dataset.path, "--images", "4", "--objects", "3", "--size", "64x64",
      "--seed", "3",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    let model = folder.appendingPathComponent("model")
    let common =
      ["train"] + command + [
        dataset.path, "-o", model.path, "--max-side", "64", "--validation-fraction", "0.25",
        "--no-progress",
      ]
    let train = try runRegionKit(common + ["--epochs", "1"])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("\(command[0]) trained for 1 epoch on"), "\(train.stdout)")
    #expect(train.stdout.contains("validation AP50"), "\(train.stdout)")
    let resumed = try runRegionKit(common + ["--epochs", "2", "--resume"])
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    #expect(try historyEpochs(model) == [1, 2])
    let config = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any])
    #expect(config["format"] as? Int == 2 && config["architecture"] as? String == command[0])
    #expect(
      config["proposalMethod"] as? String
        == (command[0] == "faster-rcnn" ? "rpn" : "sliding-window"))

    let results = folder.appendingPathComponent("detections.json")
    let draw = folder.appendingPathComponent("draw")
    let detect = try runRegionKit([
      "detect", model.path, dataset.path, "-o", results.path, "--draw", draw.path, "--evaluate",
      "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 4 images") && detect.stdout.contains("COCO AP50"))
    #expect(detect.stdout.contains("drew "), "\(detect.stdout)")
    #expect(FileManager.default.fileExists(atPath: draw.appendingPathComponent("000001.png").path))
  }

  /// ``TrainedModels/proposals`` less the images `leftOut`, written into `folder`.
  static func proposalsFile(leaving leftOut: [String], in folder: URL) throws -> URL {
    let all = try TrainedModels.proposals.get()
    let lines = try String(contentsOf: all, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 12)
    let kept = lines.filter { line in !leftOut.contains { line.contains("\"\($0)\"") } }
    #expect(kept.count == 12 - leftOut.count)
    let file = folder.appendingPathComponent("partial.jsonl")
    try Data((kept.joined(separator: "\n") + "\n").utf8).write(to: file)
    return file
  }

  /// A proposals file without some images stops `train` and `detect` naming the first image
  /// missing; `--skip-missing` leaves those images out and says how many.
  @Test func aProposalsFileLackingImagesStopsUnlessSkipMissing() throws {
    let scenes = try TrainedModels.scenes.get()
    let folder = try Fixtures.temporaryDirectory("fast-rcnn-missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try Self.proposalsFile(leaving: ["000003.png", "000007.png"], in: folder)
    let model = folder.appendingPathComponent("model")
    let train = [
      "train", "fast-rcnn", scenes.path, "-o", model.path, "--proposals", file.path,
      "--max-side", "64", "--epochs", "1", "--no-progress",
    ]

    let stopped = try runRegionKit(train)
    #expect(stopped.exitCode == 1, "\(stopped.stderr)")
    #expect(
      stopped.stderr.contains("has no proposals for image 000003.png")
        && stopped.stderr.contains("--skip-missing"), "\(stopped.stderr)")
    #expect(
      !FileManager.default.fileExists(atPath: model.appendingPathComponent("config.json").path))

    let skipped = try runRegionKit(train + ["--skip-missing"])
    #expect(skipped.exitCode == 0, "\(skipped.stderr)")
    #expect(
      skipped.stderr.contains("skipped 2 images without proposals: 000003.png, 000007.png"),
      "\(skipped.stderr)")
    #expect(skipped.stdout.contains("on 8 images"), "\(skipped.stdout)")
    let config = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any])
    #expect(config["proposalMethod"] as? String == "partial.jsonl")

    let results = folder.appendingPathComponent("detections.json")
    let detect = ["detect", model.path, scenes.path, "-o", results.path, "--no-progress"]
    // The file's proposals cannot be computed: detect needs them again.
    let noProposals = try runRegionKit(detect)
    #expect(noProposals.exitCode == 1, "\(noProposals.stderr)")
    #expect(noProposals.stderr.contains("partial.jsonl"), "\(noProposals.stderr)")

    let missing = try runRegionKit(detect + ["--proposals", file.path])
    #expect(missing.exitCode == 1, "\(missing.stderr)")
    #expect(missing.stderr.contains("has no proposals for image 000003.png"), "\(missing.stderr)")
    #expect(!FileManager.default.fileExists(atPath: results.path))

    let detected = try runRegionKit(
      detect + ["--proposals", file.path, "--skip-missing", "--evaluate"])
    #expect(detected.exitCode == 0, "\(detected.stderr)")
    #expect(detected.stderr.contains("skipped 2 images without proposals"), "\(detected.stderr)")
    #expect(detected.stdout.contains("on 10 images"), "\(detected.stdout)")
    let records = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: results)) as? [[String: Any]])
    // Images 000003.png and 000007.png have ids 4 and 8.
    let ids = Set(records.compactMap { $0["image_id"] as? Int })
    #expect(!ids.isEmpty && ids.isDisjoint(with: [4, 8]) && ids.isSubset(of: Set(1...12)))

    // One image the file has, and one it lacks.
    let one = try runRegionKit([
      "detect", model.path, scenes.appendingPathComponent("images/000001.png").path, "-o",
      results.path, "--proposals", file.path,
    ])
    #expect(one.exitCode == 0 && one.stdout.contains("on 1 images"), "\(one.stderr)")
    let lacking = try runRegionKit([
      "detect", model.path, scenes.appendingPathComponent("images/000003.png").path, "-o",
      results.path, "--proposals", file.path,
    ])
    #expect(lacking.exitCode == 1 && lacking.stderr.contains("000003.png"), "\(lacking.stderr)")
  }

  /// The `.npz` that `merge` writes from a sharded `propose` run feeds `train` and `detect`.
  @Test(arguments: [Architecture.fastRCNN, .rcnnCNN])
  func mergedNPZProposalsTrainAndDetect(_ architecture: Architecture) throws {
    let scenes = try TrainedModels.scenes.get()
    let folder = try Fixtures.temporaryDirectory("fast-rcnn-npz")
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = folder.appendingPathComponent("proposals")
    for shard in 0..<2 {
      let propose = try runRegionKit([
        "propose", scenes.path, "--method", "sliding-window", "--top", "50", "--shard",
        "\(shard)/2", "-o", run.path, "--no-progress",
      ])
      #expect(propose.exitCode == 0, "\(propose.stderr)")
    }
    let merge = try runRegionKit(["merge", run.path])
    #expect(merge.exitCode == 0 && merge.stdout.contains("12 of 12 images"), "\(merge.stderr)")
    let npz = run.appendingPathComponent("proposals.npz")
    #expect(FileManager.default.fileExists(atPath: npz.path))

    let model = folder.appendingPathComponent("model")
    let train = try architecture.train(scenes, into: model, ["--proposals", npz.path])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("on 10 images"), "\(train.stdout)")
    let results = folder.appendingPathComponent("detections.json")
    let detect = try runRegionKit([
      "detect", model.path, scenes.path, "-o", results.path, "--proposals", npz.path,
      "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 12 images"), "\(detect.stdout)")
  }
}
