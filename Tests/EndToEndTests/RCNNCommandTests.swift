import Foundation
import RegionKitTestSupport
import Testing

/// `train rcnn` and `detect` with an rcnn model, and the CustomClassifier example.
@Suite(.tags(.slow)) struct RCNNCommandTests {
  @Test func trainsAHOGSVMModelAndDetectsWithIt() throws {
    let directory = try Fixtures.temporaryDirectory("rcnn-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = directory.appendingPathComponent("scenes").path
    let model = directory.appendingPathComponent("model").path
    let synth = try runRegionKit([
      "synth", "-o", data, "--images", "8", "--seed", "3", "--size", "64x64", "--objects", "2",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    let train = try runRegionKit([
      "train", "rcnn", "--classifier", "hog-svm", data, "-o", model,
      "--validation-fraction", "0.25", "--crop-size", "24", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("rcnn hog-svm trained on 6 images"), "\(train.stdout)")
    #expect(train.stdout.contains("validation AP50"))
    for file in ["config.json", "model.safetensors"] {
      #expect(
        FileManager.default.fileExists(
          atPath: directory.appendingPathComponent("model/\(file)").path))
    }
    let output = directory.appendingPathComponent("detections.json").path
    let pictures = directory.appendingPathComponent("pictures").path
    let detect = try runRegionKit([
      "detect", model, data, "-o", output, "--draw", pictures, "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 8 images") && detect.stdout.contains("s/image proposals"))
    #expect(detect.stdout.contains("drew "), "\(detect.stdout)")
    let results = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: output)))
    #expect((results as? [Any]) != nil)
    #expect(try FileManager.default.contentsOfDirectory(atPath: pictures).count == 8)
  }

  @Test func trainsACNNModelAndResumesFromItsCheckpoint() throws {
    let directory = try Fixtures.temporaryDirectory("rcnn-cnn-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = directory.appendingPathComponent("scenes").path
    let model = directory.appendingPathComponent("model").path
    let synth = try runRegionKit([
      "synth", "-o", data, "--images", "5", "--seed", "4", "--size", "64x64", "--objects", "2",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    let common = [
      "train", "rcnn", "--classifier", "cnn", data, "-o", model, "--crop-size", "16",
      "--max-proposals", "100", "--batch-size", "64", "--no-progress",
    ]
    let first = try runRegionKit(common + ["--epochs", "1"])
    #expect(first.exitCode == 0, "\(first.stderr)")
    let resumed = try runRegionKit(common + ["--epochs", "2", "--resume"])
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    #expect(try historyEpochs(URL(fileURLWithPath: model)) == [1, 2])
    for name in ["checkpoints/1", "checkpoints/2", "model.safetensors"] {
      #expect(
        FileManager.default.fileExists(
          atPath: directory.appendingPathComponent("model/\(name)").path))
    }
  }

  @Test func customClassifierExampleRuns() throws {
    let executable = regionKitExecutable.deletingLastPathComponent()
      .appendingPathComponent("CustomClassifier")
    try #require(
      FileManager.default.isExecutableFile(atPath: executable.path),
      "build the example first: swift build --product CustomClassifier")
    let process = Process()
    process.executableURL = executable
    process.arguments = ["0.1"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)")
    #expect(output.contains("AP50"))
  }
}
