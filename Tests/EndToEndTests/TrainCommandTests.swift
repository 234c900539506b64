import Foundation
import RegionKitTestSupport
import Testing

/// `regionkit train ARCHITECTURE` on tiny synthetic sets: the model folder, checkpoints and
/// resume of classify-localize, its loss study, what every architecture refuses, an existing
/// model in `-o`, and COCO's own split layout.
@Suite struct TrainCommandTests {
  /// 12 (or `count`) single shapes of 24x24 pixels, circles and squares.
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

  @Test(.tags(.slow)) func trainsWritesTheModelFolderAndResumes() throws {
    let folder = try Fixtures.temporaryDirectory("train")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Self.synth(folder)
    let model = folder.appendingPathComponent("model")
    let result = try runRegionKit(
      [
        "train", "classify-localize", dataset.path, "-o", model.path, "--epochs", "2",
        "--checkpoint-every", "1",
        "--box-loss", "smooth-l1:1/9", "--classification-weight", "1", "--box-weight", "2",
      ] + Self.small)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains("classify-localize trained for 2 epochs on 10 images"),
      "\(result.stdout)")
    #expect(result.stdout.contains("validation AP50"), "\(result.stdout)")
    #expect(result.stderr.contains("largest object") && result.stderr.contains("mean IoU"))
    for file in [
      "config.json", "model.safetensors", "history.json", "checkpoints/1/optimizer.safetensors",
      "checkpoints/2/trainer_state.json", "checkpoints/2/model.safetensors",
    ] {
      #expect(
        FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), "\(file)")
    }
    let config = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any])
    #expect(config["format"] as? Int == 2)
    #expect(config["architecture"] as? String == "classify-localize")
    let classes = try #require(config["classes"] as? [[String: Any]])
    #expect(classes.map { $0["name"] as? String } == ["circle", "square"])
    #expect(classes.map { $0["categoryID"] as? Int } == [1, 2])
    #expect(config["boxWeight"] as? Double == 2)
    #expect(try historyEpochs(model) == [1, 2])

    let resumed = try runRegionKit(
      ["train", "classify-localize", dataset.path, "-o", model.path, "--epochs", "3", "--resume"]
        + Self.small)
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("trained for 3 epochs"), "\(resumed.stdout)")
    #expect(try historyEpochs(model) == [1, 2, 3])
  }

  @Test(.tags(.slow)) func lossStudyWritesTableAndPlots() throws {
    let folder = try Fixtures.temporaryDirectory("train-study")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Self.synth(folder, count: 10)
    let study = folder.appendingPathComponent("study")
    let result = try runRegionKit(
      [
        "train", "classify-localize", dataset.path, "-o", study.path, "--epochs", "1",
        "--loss-study",
      ]
        + Self.small)
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
    ["--box-loss", "huber"], ["--epochs", "0"], ["--validation-fraction", "1"],
    ["--input-size", "8"], ["--study-outlier-fraction", "2"],
  ])
  func badOptionsAreRejected(options: [String]) throws {
    let result = try runRegionKit(
      ["train", "classify-localize", "/nonexistent", "-o", "/tmp/never"] + options)
    #expect(result.exitCode != 0 && result.exitCode < 128)
    #expect(
      result.stderr.contains(options[0]) || result.stderr.contains(options[1]), "\(result.stderr)")
  }

  /// The old spellings (`train --arch X`, `train-objectness`) and unknown architectures stop
  /// with a usage error and train nothing.
  @Test(arguments: [
    ["train", "--arch", "faster-rcnn"], ["train", "yolo"], ["train"], ["train-objectness"],
  ])
  func oldSpellingsAndUnknownArchitecturesAreRejected(command: [String]) throws {
    let failure = try #require(usageFailure(command + ["scenes", "-o", "model"]))
    #expect(failure.exitCode == 64, "\(failure.message)")
    #expect(failure.message.contains("Error:"), "\(failure.message)")
  }

  @Test func helpSaysLargestObject() throws {
    let result = try runRegionKit(["train", "classify-localize", "--help"])
    #expect(result.stdout.contains("LARGEST object"))
  }

  /// Options of other architectures, or that this one does not use, each refused by name
  /// while the command line is parsed, before anything is read or written (parsed in process).
  @Test(arguments: [
    // faster-rcnn finds its own regions and has no crops, classifier or loss study.
    ["faster-rcnn", "--proposals", "selective-search"], ["faster-rcnn", "--skip-missing"],
    ["faster-rcnn", "--max-proposals", "50"], ["faster-rcnn", "--classifier", "cnn"],
    ["faster-rcnn", "--crop-size", "16"], ["faster-rcnn", "--input-size", "16"],
    ["faster-rcnn", "--loss-study"], ["faster-rcnn", "--method", "edge-boxes"],
    // fast-rcnn has no anchors.
    ["fast-rcnn", "--anchor-sizes", "1"], ["fast-rcnn", "--rpn-score-threshold", "0.5"],
    ["fast-rcnn", "--classifier", "cnn"], ["fast-rcnn", "--crop-size", "16"],
    ["fast-rcnn", "--input-size", "16"], ["fast-rcnn", "--background"],
    // rcnn warps crops: no network input size, pooling or anchors.
    ["rcnn", "--anchor-sizes", "16"], ["rcnn", "--max-side", "64"], ["rcnn", "--pooling", "pool"],
    ["rcnn", "--rois-per-image", "8"], ["rcnn", "--input-size", "16"],
    ["rcnn", "--box-loss", "l1"],
    ["rcnn", "--rpn-model", "model"],
    // rcnn --classifier hog-svm trains in one pass: no schedule and nothing to resume.
    ["rcnn", "--classifier", "hog-svm", "--epochs", "3"],
    ["rcnn", "--classifier", "hog-svm", "--batch-size", "8"],
    ["rcnn", "--classifier", "hog-svm", "--learning-rate", "0.01"],
    ["rcnn", "--classifier", "hog-svm", "--weight-decay", "0"],
    ["rcnn", "--classifier", "hog-svm", "--checkpoint-every", "2"],
    ["rcnn", "--classifier", "hog-svm", "--no-flip"],
    ["rcnn", "--classifier", "hog-svm", "--resume"],
    // rcnn takes selective search or a file.
    ["rcnn", "--proposals", "edge-boxes"],
    // classify-localize sees whole images.
    ["classify-localize", "--anchor-sizes", "1"],
    ["classify-localize", "--proposals", "selective-search"],
    ["classify-localize", "--skip-missing"], ["classify-localize", "--max-side", "64"],
    ["classify-localize", "--classifier", "cnn"], ["classify-localize", "--pooling", "align"],
    ["classify-localize", "--max-proposals", "50"],
    // The objectness re-ranker is fitted in one pass and written as one file.
    ["objectness", "--epochs", "2"], ["objectness", "--resume"],
    ["objectness", "--proposals", "x"],
  ])
  func optionsAnArchitectureDoesNotUseAreRefused(arguments: [String]) throws {
    let failure = try #require(
      usageFailure(["train"] + arguments + ["scenes", "-o", "model", "--no-progress"]))
    #expect(failure.exitCode == 64, "\(failure.message)")
    let option = try #require(arguments.last { $0.hasPrefix("--") })
    #expect(failure.message.contains(option), "\(failure.message)")
  }

  /// A network setting out of range is refused naming its option, not the configuration key
  /// it is stored under, while the command line is parsed (parsed in process).
  @Test(arguments: [
    ["faster-rcnn", "--max-side", "16"], ["fast-rcnn", "--rois-per-image", "0"],
    ["faster-rcnn", "--background-low", "0.7"], ["rcnn", "--crop-size", "2"],
    ["classify-localize", "--input-size", "8"],
  ])
  func aNetworkSettingOutOfRangeNamesItsOption(arguments: [String]) throws {
    let failure = try #require(
      usageFailure(["train"] + arguments + ["scenes", "-o", "model", "--no-progress"]))
    #expect(failure.exitCode == 64, "\(failure.message)")
    #expect(failure.message.contains(arguments[1]), "\(failure.message)")
  }

  /// `-o` onto an existing model stops and leaves it as it was; `--resume` continues it for
  /// the epochs added; `--force` replaces it.
  @Test(.tags(.slow), arguments: Architecture.allCases)
  func anExistingModelIsKeptUnlessResumedOrForced(_ architecture: Architecture) throws {
    let scenes = try TrainedModels.scenes.get()
    let model = try TrainedModels.copy(architecture)
    defer { try? FileManager.default.removeItem(at: model.deletingLastPathComponent()) }
    let before = try folderContents(model)
    #expect(before["model.safetensors"] != nil && before["config.json"] != nil)

    let refused = try architecture.train(scenes, into: model)
    #expect(refused.exitCode != 0 && refused.exitCode < 128)
    #expect(refused.stderr.contains("already holds a model"), "\(refused.stderr)")
    #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
    #expect(try folderContents(model) == before, "the refused run changed \(model.path)")

    if architecture.trainsInEpochs {
      #expect(refused.stderr.contains("--resume"), "\(refused.stderr)")
      #expect(try historyEpochs(model) == [1])
      let resumed = try architecture.train(scenes, into: model, epochs: 2, ["--resume"])
      #expect(resumed.exitCode == 0, "\(resumed.stderr)")
      #expect(try historyEpochs(model) == [1, 2])
      #expect(
        FileManager.default.fileExists(
          atPath: model.appendingPathComponent("checkpoints/2/model.safetensors").path))
      let resumedWeights = try Data(contentsOf: model.appendingPathComponent("model.safetensors"))
      #expect(resumedWeights != before["model.safetensors"])

      let forced = try architecture.train(scenes, into: model, ["--force"])
      #expect(forced.exitCode == 0, "\(forced.stderr)")
      #expect(try historyEpochs(model) == [1])
      #expect(
        !FileManager.default.fileExists(atPath: model.appendingPathComponent("checkpoints/2").path))
    } else {
      #expect(!refused.stderr.contains("--resume"), "hog-svm cannot resume: \(refused.stderr)")
      // Replaced by a model of other crops: the configuration changes.
      let forced = try architecture.train(scenes, into: model, ["--force", "--crop-size", "16"])
      #expect(forced.exitCode == 0, "\(forced.stderr)")
      let after = try folderContents(model)
      #expect(after["config.json"] != before["config.json"])
      #expect(after["model.safetensors"] != nil)
    }
  }

  /// COCO's own layout, `annotations/instances_val.json` with the images in `val/`, trains as
  /// the same dataset in `annotations.json` + `images/` does.
  @Test(.tags(.slow)) func cocoSplitLayoutWorksAsDataset() throws {
    let folder = try Fixtures.temporaryDirectory("train-coco-layout")
    defer { try? FileManager.default.removeItem(at: folder) }
    let coco = folder.appendingPathComponent("coco")
    try TrainedModels.synth(coco)
    let manager = FileManager.default
    try manager.createDirectory(
      at: coco.appendingPathComponent("annotations"), withIntermediateDirectories: true)
    try manager.moveItem(
      at: coco.appendingPathComponent("annotations.json"),
      to: coco.appendingPathComponent("annotations/instances_val.json"))
    try manager.moveItem(
      at: coco.appendingPathComponent("images"), to: coco.appendingPathComponent("val"))

    let model = folder.appendingPathComponent("model")
    let train = try Architecture.classifyLocalize.train(coco, into: model)
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("on 10 images"), "\(train.stdout)")
    let reference = try TrainedModels.model(.classifyLocalize)
    #expect(
      try Data(contentsOf: model.appendingPathComponent("model.safetensors"))
        == Data(contentsOf: reference.appendingPathComponent("model.safetensors")),
      "the split layout trained another model than annotations.json + images/")

    let named = try Architecture.classifyLocalize.train(
      coco, into: folder.appendingPathComponent("named"), ["--split", "val"])
    #expect(named.exitCode == 0, "\(named.stderr)")
    let missing = try Architecture.classifyLocalize.train(
      coco, into: folder.appendingPathComponent("missing"), ["--split", "train"])
    #expect(missing.exitCode != 0 && missing.exitCode < 128)
    #expect(
      missing.stderr.contains("\"train\"") && missing.stderr.contains("val"), "\(missing.stderr)")

    let results = folder.appendingPathComponent("detections.json")
    let detect = try runRegionKit([
      "detect", model.path, coco.path, "-o", results.path, "--evaluate", "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 12 images") && detect.stdout.contains("COCO AP50"))
  }
}
