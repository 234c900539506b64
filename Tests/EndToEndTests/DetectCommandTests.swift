import Foundation
import RegionKitTestSupport
import Testing

/// `regionkit detect MODEL INPUT`: results, pictures and scores, the options each model
/// refuses, and model folders it cannot read.
@Suite(.tags(.slow)) struct DetectCommandTests {
  @Test func detectsOnADatasetAndAnImage() throws {
    let folder = try Fixtures.temporaryDirectory("detect")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try TrainCommandTests.synth(folder, count: 6)
    let model = folder.appendingPathComponent("model")
    let train = try runRegionKit(
      ["train", "classify-localize", dataset.path, "-o", model.path, "--epochs", "1"]
        + TrainCommandTests.small)
    #expect(train.exitCode == 0, "\(train.stderr)")

    let results = folder.appendingPathComponent("detections.json")
    let draw = folder.appendingPathComponent("overlays")
    let result = try runRegionKit([
      "detect", model.path, dataset.path, "-o", results.path, "--draw", draw.path, "--no-progress",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("6 detections on 6 images"), "\(result.stdout)")
    let records = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: results)) as? [[String: Any]])
    #expect(records.count == 6)
    #expect(Set(records.compactMap { $0["image_id"] as? Int }) == Set(1...6))
    for record in records {
      #expect([1, 2].contains(record["category_id"] as? Int))
      let bbox = try #require(record["bbox"] as? [Double])
      #expect(bbox.count == 4 && bbox[0] >= 0 && bbox[0] + bbox[2] <= 24.001)
    }
    #expect(FileManager.default.fileExists(atPath: draw.appendingPathComponent("000003.png").path))

    let single = folder.appendingPathComponent("one.json")
    let image = try runRegionKit([
      "detect", model.path, dataset.appendingPathComponent("images/000002.png").path, "-o",
      single.path, "--image-id", "42",
    ])
    #expect(image.exitCode == 0, "\(image.stderr)")
    let one = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: single)) as? [[String: Any]])
    #expect(one.count == 1 && one[0]["image_id"] as? Int == 42)
  }

  @Test func missingModelIsAnError() throws {
    let folder = try Fixtures.temporaryDirectory("detect-missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runRegionKit([
      "detect", folder.path, folder.path, "-o", folder.appendingPathComponent("d.json").path,
    ])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("config.json"), "\(result.stderr)")
  }

  /// `--evaluate --metric voc07|voc12` prints the VOC mAP line; `--draw` says how many
  /// detections it drew: all of them with `--draw-min-score 0`.
  @Test(arguments: [Architecture.fasterRCNN, .fastRCNN, .rcnnCNN, .rcnnHOGSVM, .classifyLocalize])
  func evaluatesWithVOCMetricsAndCountsTheDrawnDetections(_ architecture: Architecture) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.model(architecture)
    let folder = try Fixtures.temporaryDirectory("detect-voc")
    defer { try? FileManager.default.removeItem(at: folder) }
    let results = folder.appendingPathComponent("detections.json")
    let draw = folder.appendingPathComponent("drawn")
    let voc07 = try runRegionKit([
      "detect", model.path, scenes.path, "-o", results.path, "--evaluate", "--metric", "voc07",
      "--draw", draw.path, "--draw-min-score", "0", "--no-progress",
    ])
    #expect(voc07.exitCode == 0, "\(voc07.stderr)")
    #expect(voc07.stdout.contains("VOC mAP50 (voc07) "), "\(voc07.stdout)")
    #expect(!voc07.stdout.contains("COCO"), "\(voc07.stdout)")
    let records = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: results)) as? [[String: Any]])
    #expect(voc07.stdout.contains("\(records.count) detections on 12 images"), "\(voc07.stdout)")
    #expect(
      voc07.stdout.contains("drew \(records.count) scored >= 0.0 in \(draw.path)"),
      "\(voc07.stdout)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: draw.path).count == 12)

    let voc12 = try runRegionKit([
      "detect", model.path, scenes.path, "-o", results.path, "--evaluate", "--metric", "voc12",
      "--draw", draw.path, "--no-progress",
    ])
    #expect(voc12.exitCode == 0, "\(voc12.stderr)")
    #expect(voc12.stdout.contains("VOC mAP50 (voc12) "), "\(voc12.stdout)")
    let strong = records.filter { ($0["score"] as? Double ?? 0) >= 0.5 }.count
    #expect(voc12.stdout.contains("drew \(strong) scored >= 0.5 in"), "\(voc12.stdout)")
  }

  /// `--write-proposals` writes the proposals classified, one record per image, `--timings`
  /// the seconds per image, and `--rpn-model` lends a Faster R-CNN's RPN to a model that
  /// classifies proposals.
  @Test(arguments: [Architecture.fastRCNN, .rcnnCNN, .rcnnHOGSVM])
  func writesProposalsAndTimingsAndTakesAnRPN(_ architecture: Architecture) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.model(architecture)
    let folder = try Fixtures.temporaryDirectory("detect-extras")
    defer { try? FileManager.default.removeItem(at: folder) }
    let results = folder.appendingPathComponent("detections.json")
    let proposals = folder.appendingPathComponent("proposals.jsonl")
    let timings = folder.appendingPathComponent("timings.json")
    let detect = try runRegionKit([
      "detect", model.path, scenes.path, "-o", results.path, "--write-proposals", proposals.path,
      "--timings", timings.path, "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    let lines = try String(contentsOf: proposals, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 12)
    #expect(lines.allSatisfy { $0.contains("\"boxes\"") && $0.contains(".png\"") })
    let perImage = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: timings)) as? [[String: Any]])
    #expect(perImage.count == 12)
    #expect(perImage.allSatisfy { ($0["proposals"] as? Int ?? 0) > 0 }, "\(perImage)")

    let rpn = try runRegionKit([
      "detect", model.path, scenes.path, "-o", results.path, "--rpn-model",
      try TrainedModels.model(.fasterRCNN).path, "--no-progress",
    ])
    #expect(rpn.exitCode == 0, "\(rpn.stderr)")
    #expect(rpn.stdout.contains("on 12 images"), "\(rpn.stdout)")
  }

  @Test func metricNeedsEvaluateAndEvaluateNeedsADataset() throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.model(.classifyLocalize)
    let folder = try Fixtures.temporaryDirectory("detect-metric")
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("d.json")
    let metric = try runRegionKit([
      "detect", model.path, scenes.path, "-o", output.path, "--metric", "voc07",
    ])
    #expect(metric.exitCode == 64 && metric.stderr.contains("--evaluate"), "\(metric.stderr)")
    let image = try runRegionKit([
      "detect", model.path, scenes.appendingPathComponent("images/000001.png").path, "-o",
      output.path, "--evaluate",
    ])
    #expect(image.exitCode == 1 && image.stderr.contains("--evaluate"), "\(image.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  /// Options that do not fit the loaded model exit 1 (or 64 when the options alone already
  /// show it) naming them, and write nothing.
  @Test(arguments: [
    (Architecture.fasterRCNN, ["--proposals", "selective-search"], "--proposals"),
    (.fasterRCNN, ["--proposals", "FILE"], "--proposals"),
    (.fasterRCNN, ["--skip-missing", "--proposals", "FILE"], "--skip-missing"),
    (.fasterRCNN, ["--skip-missing"], "--skip-missing"),
    (.fasterRCNN, ["--rpn-model", "FASTER"], "--rpn-model"),
    (.fasterRCNN, ["--write-proposals", "OUT/p.jsonl"], "--write-proposals"),
    (.classifyLocalize, ["--skip-missing", "--proposals", "FILE"], "--proposals"),
    (.classifyLocalize, ["--skip-missing", "--proposals", "FILE"], "--skip-missing"),
    (.classifyLocalize, ["--proposals", "edge-boxes"], "--proposals"),
    (.classifyLocalize, ["--rpn-model", "FASTER"], "--rpn-model"),
    (.classifyLocalize, ["--write-proposals", "OUT/p.jsonl"], "--write-proposals"),
    (.fastRCNN, ["--skip-missing"], "--skip-missing"),
    (.fastRCNN, ["--skip-missing", "--proposals", "edge-boxes"], "--skip-missing"),
    (.fastRCNN, ["--proposals", "edge-boxes", "--rpn-model", "FASTER"], "--rpn-model"),
    (.rcnnHOGSVM, ["--proposals", "nothing"], "--proposals"),
  ])
  func optionsTheModelDoesNotUseAreRefused(
    _ architecture: Architecture, options: [String], named option: String
  ) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.model(architecture)
    let folder = try Fixtures.temporaryDirectory("detect-refused")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try TrainedModels.proposals.get()
    let faster = try TrainedModels.model(.fasterRCNN)
    let arguments = options.map { argument in
      switch argument {
      case "FILE": file.path
      case "FASTER": faster.path
      default: argument.replacingOccurrences(of: "OUT/", with: folder.path + "/")
      }
    }
    let output = folder.appendingPathComponent("detections.json")
    let result = try runRegionKit(
      ["detect", model.path, scenes.path, "-o", output.path, "--no-progress"] + arguments)
    #expect(result.exitCode == 1 || result.exitCode == 64, "\(result.stdout)")
    #expect(result.stderr.contains(option), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  /// A model folder of an earlier RegionKit (config.json without "format", or format 1)
  /// tells to train again with the command of its architecture.
  @Test(arguments: [Architecture.fasterRCNN, .classifyLocalize, .rcnnHOGSVM])
  func aModelOfTheOldFormatSaysToTrainAgain(_ architecture: Architecture) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.copy(architecture)
    defer { try? FileManager.default.removeItem(at: model.deletingLastPathComponent()) }
    let output = model.deletingLastPathComponent().appendingPathComponent("d.json")
    for format in [nil, 1] {
      try editConfiguration(of: model) { config in
        config["format"] = format
        // Format 1 listed the classes by name.
        if let classes = config["classes"] as? [[String: Any]] {
          config["classes"] = classes.compactMap { $0["name"] }
        }
      }
      let result = try runRegionKit(["detect", model.path, scenes.path, "-o", output.path])
      #expect(result.exitCode == 1, "\(result.stderr)")
      #expect(
        result.stderr.contains("config.json is a model folder of an earlier RegionKit"),
        "\(result.stderr)")
      let command =
        architecture == .classifyLocalize
        ? "classify-localize"
        : architecture == .fasterRCNN ? "faster-rcnn" : "rcnn"
      #expect(
        result.stderr.contains("train it again with `regionkit train \(command) DATASET"),
        "\(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: output.path))
    }
    // Resuming it is refused the same way, and leaves it as it was.
    if architecture.trainsInEpochs {
      let before = try folderContents(model)
      let resume = try architecture.train(scenes, into: model, epochs: 2, ["--resume"])
      #expect(resume.exitCode == 1, "\(resume.stderr)")
      #expect(resume.stderr.contains("earlier RegionKit"), "\(resume.stderr)")
      #expect(try folderContents(model) == before)
    }
  }

  /// A value out of range in config.json is an error naming the key, not a crash.
  @Test(arguments: [
    (Architecture.fasterRCNN, "maxSide", 0), (.fastRCNN, "maxSide", 0),
    (.classifyLocalize, "inputWidth", 0), (.rcnnCNN, "maxProposals", 0),
  ])
  func anInvalidConfigurationNamesTheKey(
    _ architecture: Architecture, key: String, value: Int
  ) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.copy(architecture)
    defer { try? FileManager.default.removeItem(at: model.deletingLastPathComponent()) }
    try editConfiguration(of: model) { $0[key] = value }
    let output = model.deletingLastPathComponent().appendingPathComponent("d.json")
    let result = try runRegionKit(["detect", model.path, scenes.path, "-o", output.path])
    #expect(result.exitCode != 0 && result.exitCode < 128, "exit code \(result.exitCode)")
    #expect(
      result.stderr.contains("config.json: \"\(key)\" is \(value)"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }
}
