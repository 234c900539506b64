import Foundation
import RegionKitTestSupport
import Testing

/// `train rcnn --classifier command`, `detect` and `model info` with a classifier command: the
/// options, the errors that name the command, and the Python example of
/// `Examples/PythonClassifier` (where python3 and NumPy exist).
@Suite struct CommandClassifierCommandTests {
  /// Whether `python3` with NumPy runs here (the example's test is skipped otherwise).
  static let hasPythonWithNumPy: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "python3 -c 'import numpy' >/dev/null 2>&1"]
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }()

  static let example = Fixtures.packageRoot.appendingPathComponent(
    "Examples/PythonClassifier/shape_classifier.py")

  /// 4 scenes of 48x48 pixels with at most 2 objects.
  static func scenes(_ folder: URL) throws -> URL {
    let dataset = folder.appendingPathComponent("scenes")
    let result = try runRegionKit([
      "synth", "-o", dataset.path, "--images", "4", "--seed", "3", "--size", "48x48",
      "--objects", "2",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    return dataset
  }

  static let skipReason: Comment = "python3 with NumPy is not available to run the example"

  @Test(.tags(.slow), .enabled(if: hasPythonWithNumPy, skipReason))
  func pythonExampleTrainsDetectsAndDescribesItself() throws {
    let folder = try Fixtures.temporaryDirectory("python-classifier")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Self.scenes(folder)
    let model = folder.appendingPathComponent("model")
    let command = "python3 '\(Self.example.path)'"
    let train = try runRegionKit([
      "train", "rcnn", dataset.path, "-o", model.path, "--classifier", "command", "--command",
      command, "--command-timeout", "30", "--max-proposals", "150", "--validation-fraction",
      "0.5", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("rcnn command packaged"), "\(train.stdout)")
    #expect(train.stdout.contains("validation AP50"), "\(train.stdout)")
    let config = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any])
    #expect(config["backend"] as? String == "command")
    #expect((config["command"] as? [String: Any])?["commandLine"] as? String == command)
    #expect((config["command"] as? [String: Any])?["timeout"] as? Double == 30)
    #expect(config["inputSize"] as? Int == 32)

    let output = folder.appendingPathComponent("detections.json")
    let detect = try runRegionKit([
      "detect", model.path, dataset.path, "-o", output.path, "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 4 images"), "\(detect.stdout)")
    let detections = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [[String: Any]])
    #expect(!detections.isEmpty)

    let info = try runRegionKit(["model", "info", model.path])
    #expect(info.exitCode == 0, "\(info.stderr)")
    #expect(info.stdout.contains("command: \(command)"), "\(info.stdout)")
    #expect(
      info.stdout.contains(
        #"handshake now: {"box_deltas":true,"channel_order":"rgb","classes":["circle","square","triangle"],"crop_size":32"#
      ), "\(info.stdout)")
  }

  @Test(.tags(.slow)) func errorsNameTheCommand() throws {
    let folder = try Fixtures.temporaryDirectory("command-errors")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Self.scenes(folder)
    let model = folder.appendingPathComponent("model")
    let exits = try runRegionKit([
      "train", "rcnn", dataset.path, "-o", model.path, "--classifier", "command", "--command",
      "echo 'no weights' >&2; exit 3", "--no-progress",
    ])
    #expect(exits.exitCode == 1)
    #expect(
      exits.stderr.contains(
        "Classifier command `echo 'no weights' >&2; exit 3` exited with status 3 before finishing its handshake. The end of its standard error:\nno weights"
      ), "\(exits.stderr)")

    let line =
      #"{"protocol":"regionkit-classifier","version":1,"classes":["square","circle"],"crop_size":16,"channel_order":"rgb","box_deltas":false}"#
    let wrong = "printf '%s\\n' '\(line)'; cat > /dev/null"
    let mismatch = try runRegionKit([
      "train", "rcnn", dataset.path, "-o", model.path, "--classifier", "command", "--command",
      wrong, "--no-progress",
    ])
    #expect(mismatch.exitCode == 1)
    #expect(
      mismatch.stderr.contains(
        "announces classes [\"square\", \"circle\"], but the dataset has [\"circle\", \"square\", \"triangle\"]"
      ), "\(mismatch.stderr)")
    #expect(!FileManager.default.fileExists(atPath: model.path))
  }

  @Test(.tags(.slow)) func modelInfoDescribesEveryModelFolder() throws {
    for architecture in Architecture.allCases {
      let model = try TrainedModels.model(architecture)
      let info = try runRegionKit(["model", "info", model.path])
      #expect(info.exitCode == 0, "\(architecture): \(info.stderr)")
      #expect(
        info.stdout.contains("classes: circle (id 1), square (id 2), triangle (id 3)"),
        "\(info.stdout)")
      let json = try runRegionKit(["model", "info", model.path, "--json"])
      let object = try #require(
        JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
      #expect(
        object["architecture"] as? String
          == architecture.rawValue.replacingOccurrences(
            of: "rcnn-cnn", with: "rcnn"
          ).replacingOccurrences(of: "rcnn-hog-svm", with: "rcnn"))
    }
    let hog = try runRegionKit(["model", "info", try TrainedModels.model(.rcnnHOGSVM).path])
    #expect(
      hog.stdout.contains("architecture: rcnn, classifier hog-svm\n")
        && hog.stdout.contains("crops: 24x24 px"), "\(hog.stdout)")
    let shape = try runRegionKit([
      "model", "info", try TrainedModels.model(.rcnnCNN).path, "--input-shape", "1,3,8,8",
    ])
    #expect(shape.exitCode == 64 && shape.stderr.contains("--input-shape applies to .onnx files"))
  }

  @Test(arguments: [
    (["--classifier", "command"], "--classifier command needs --command"),
    (
      ["--classifier", "command", "--command", "x", "--crop-size", "32"],
      "--crop-size does not apply"
    ),
    (["--classifier", "command", "--command", "x", "--epochs", "2"], "trains in one pass"),
    (
      ["--classifier", "command", "--command", "x", "--command-timeout", "0"],
      "--command-timeout is 0.0"
    ),
    (
      ["--classifier", "command", "--command", "x", "--command-processes", "0"],
      "--command-processes is 0"
    ),
    (["--classifier", "command", "--command", " "], "--command is empty"),
    (["--command", "x"], "apply to --classifier command only"),
    (["--classifier", "hog-svm", "--command-timeout", "5"], "apply to --classifier command only"),
  ])
  func refusesOptionsThatDoNotFit(arguments: [String], fragment: String) throws {
    let failure = try #require(
      usageFailure(["train", "rcnn", "scenes", "-o", "model"] + arguments), "\(arguments)")
    #expect(failure.exitCode == 64)
    #expect(failure.message.contains(fragment), "\(failure.message)")
  }
}
