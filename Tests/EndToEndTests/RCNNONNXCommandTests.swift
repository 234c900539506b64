import Foundation
import RegionKitTestSupport
import Testing

/// `train rcnn --classifier onnx-features|onnx` with the networks of `Fixtures/onnx/rcnn`, then
/// `model info` on the folder and `detect`; the options each form refuses; the ONNXClassifier
/// example.
@Suite struct RCNNONNXCommandTests {
  static let model = Fixtures.url("onnx/rcnn/shapes_classifier.onnx").path
  static let softmaxModel = Fixtures.url("onnx/rcnn/shapes_classifier_softmax.onnx").path
  static let labels = Fixtures.url("onnx/rcnn/shapes_classifier.labels.txt").path

  /// Eight 64x64 scenes of up to two shapes in `directory/scenes`.
  static func scenes(in directory: URL) throws -> String {
    let data = directory.appendingPathComponent("scenes").path
    let synth = try runRegionKit([
      "synth", "-o", data, "--images", "8", "--seed", "3", "--size", "64x64", "--objects", "2",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    return data
  }

  /// `detect` with `model` on `data`, evaluated; returns its summary line.
  static func detect(_ model: String, on data: String, in directory: URL) throws -> String {
    let output = directory.appendingPathComponent("detections.json").path
    let detect = try runRegionKit([
      "detect", model, data, "-o", output, "--evaluate", "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 8 images") && detect.stdout.contains("AP50"))
    let results = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: output)))
    #expect(((results as? [Any])?.count ?? 0) > 0)
    return detect.stdout
  }

  @Test(.tags(.slow)) func packagesAnONNXClassifierAndDetectsWithIt() throws {
    let directory = try Fixtures.temporaryDirectory("rcnn-onnx-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = try Self.scenes(in: directory)
    for (network, reading) in [
      (Self.model, "logits (no Softmax node produces it): softmax applied"),
      (Self.softmaxModel, "probabilities (produced by a Softmax node): used as they are"),
    ] {
      let model = directory.appendingPathComponent("model").path
      let train = try runRegionKit([
        "train", "rcnn", "--classifier", "onnx", "--model", network, "--labels", Self.labels,
        data, "-o", model, "--validation-fraction", "0.25", "--max-proposals", "200",
        "--no-progress", "--force",
      ])
      #expect(train.exitCode == 0, "\(train.stderr)")
      #expect(train.stdout.contains("rcnn onnx packaged"), "\(train.stdout)")
      #expect(train.stdout.contains("validation AP50"), "\(train.stdout)")
      let name = URL(fileURLWithPath: network).lastPathComponent
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: model).sorted()
          == ["config.json", "labels.txt", name])
      let info = try runRegionKit(["model", "info", model])
      #expect(info.exitCode == 0, "\(info.stderr)")
      #expect(info.stdout.contains(reading), "\(info.stdout)")
      #expect(
        info.stdout.contains("0 __background__ -> background, 1 triangle -> triangle"),
        "\(info.stdout)")
      let json = try runRegionKit(["model", "info", model, "--json"])
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
      let networkObject = try #require(object["network"] as? [String: Any])
      #expect(networkObject["softmax_applied"] as? Bool == (network == Self.model))
      #expect(networkObject["class_columns"] as? [Int] == [3, 2, 1])
      _ = try Self.detect(model, on: data, in: directory)
    }
  }

  @Test(.tags(.slow)) func trainsSVMsOnANetworksFeaturesAndDetectsWithThem() throws {
    let directory = try Fixtures.temporaryDirectory("rcnn-onnx-features-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = try Self.scenes(in: directory)
    let model = directory.appendingPathComponent("model").path
    let train = try runRegionKit([
      "train", "rcnn", "--classifier", "onnx-features", "--model", Self.model + ":fc7", data,
      "-o", model, "--validation-fraction", "0.25", "--max-proposals", "200", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("rcnn onnx-features trained on 6 images"), "\(train.stdout)")
    #expect(train.stderr.contains("32 features per region"), "\(train.stderr)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: model).sorted()
        == ["config.json", "model.safetensors", "shapes_classifier.onnx"])
    let info = try runRegionKit(["model", "info", model])
    #expect(info.stdout.contains("features: tensor \"fc7\""), "\(info.stdout)")
    #expect(info.stdout.contains("classifier onnx-features"), "\(info.stdout)")
    _ = try Self.detect(model, on: data, in: directory)
    // One pass: an existing model is replaced with --force only.
    let again = try runRegionKit([
      "train", "rcnn", "--classifier", "onnx-features", "--model", Self.model + ":fc7", data,
      "-o", model, "--no-progress",
    ])
    #expect(again.exitCode != 0 && again.stderr.contains("--force"), "\(again.stderr)")
    #expect(!again.stderr.contains("--resume"), "\(again.stderr)")
  }

  /// Failures found once the files are read, before the model folder is touched.
  @Test func labelsAndCropSizesThatDoNotFitAreRefused() throws {
    let directory = try Fixtures.temporaryDirectory("rcnn-onnx-refusals")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = try Self.scenes(in: directory)
    let model = directory.appendingPathComponent("model")
    let labels = directory.appendingPathComponent("labels.txt")
    try Data("background\ntriangle\nsquare\nellipse\n".utf8).write(to: labels)
    let missing = try runRegionKit([
      "train", "rcnn", "--classifier", "onnx", "--model", Self.model, "--labels", labels.path,
      data, "-o", model.path, "--no-progress",
    ])
    #expect(missing.exitCode == 1)
    #expect(
      missing.stderr.contains(labels.path) && missing.stderr.contains("\"circle\"")
        && missing.stderr.contains("\"ellipse\""), "\(missing.stderr)")
    let size = try runRegionKit([
      "train", "rcnn", "--classifier", "onnx", "--model", Self.model, "--labels", Self.labels,
      "--crop-size", "48", data, "-o", model.path, "--no-progress",
    ])
    #expect(size.exitCode != 0)
    #expect(size.stderr.contains("declares 32x32 inputs"), "\(size.stderr)")
    let tensor = try runRegionKit([
      "train", "rcnn", "--classifier", "onnx-features", "--model", Self.model + ":fc8", data,
      "-o", model.path, "--no-progress",
    ])
    #expect(tensor.exitCode == 1 && tensor.stderr.contains("\"fc8\""), "\(tensor.stderr)")
    #expect(!FileManager.default.fileExists(atPath: model.path))
  }

  /// Options that do not fit the classifier, refused while parsing (in process).
  @Test(
    arguments: [
      (["--classifier", "onnx", "--model", "n.onnx"], "--labels"),
      (["--classifier", "onnx-features"], "--model"),
      (["--classifier", "cnn", "--model", "n.onnx"], "--model"),
      (["--classifier", "hog-svm", "--mean", "1,2,3"], "--mean"),
      (
        [
          "--classifier", "onnx", "--model", "n.onnx", "--labels", "l", "--feature-pooling",
          "flatten",
        ],
        "--feature-pooling"
      ),
      (["--classifier", "onnx-features", "--model", "n.onnx", "--labels", "l"], "--labels"),
      (["--classifier", "onnx-features", "--model", "n.onnx", "--mean", "1,2"], "--mean"),
      (["--classifier", "onnx-features", "--model", "n.onnx", "--std", "0,1,1"], "--std"),
      (
        ["--classifier", "onnx-features", "--model", "n.onnx", "--pixel-range", "10"],
        "--pixel-range"
      ),
      (
        ["--classifier", "onnx-features", "--model", "n.onnx", "--channel-order", "grb"],
        "--channel-order"
      ),
      (
        ["--classifier", "onnx", "--model", "n.onnx", "--labels", "l", "--epochs", "3"], "--epochs"
      ),
      (["--classifier", "onnx", "--model", "n.onnx", "--labels", "l", "--svm-c", "1"], "--svm-c"),
      (["--classifier", "cnn", "--ridge-lambda", "1"], "--ridge-lambda"),
      (["--classifier", "hog-svm", "--svm-c", "0"], "--svm-c"),
      (["--classifier", "onnx-features", "--model", "config.json"], "--model"),
    ] as [([String], String)])
  func optionsThatDoNotFitTheClassifierAreRefused(arguments: [String], option: String) throws {
    let failure = try #require(
      usageFailure(["train", "rcnn"] + arguments + ["scenes", "-o", "model", "--no-progress"]))
    #expect(failure.exitCode == 64, "\(failure.message)")
    #expect(failure.message.contains(option), "\(failure.message)")
  }

  @Test(.tags(.slow)) func onnxClassifierExampleRuns() throws {
    let executable = regionKitExecutable.deletingLastPathComponent()
      .appendingPathComponent("ONNXClassifier")
    try #require(
      FileManager.default.isExecutableFile(atPath: executable.path),
      "build the example first: swift build --product ONNXClassifier")
    let process = Process()
    process.executableURL = executable
    process.arguments = [Self.model, Self.labels, "0.5"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)")
    #expect(output.contains("holds logits") && output.contains("AP50"), "\(output)")
  }
}
