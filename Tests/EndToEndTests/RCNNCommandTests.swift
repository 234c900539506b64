import Foundation
import RegionKitTestSupport
import Testing

/// `train --arch rcnn` and `detect` with an rcnn model, and the CustomClassifier example.
@Suite struct RCNNCommandTests {
  @Test func trainsAHOGSVMModelAndDetectsWithIt() throws {
    let directory = try Fixtures.temporaryDirectory("rcnn-cli")
    let data = directory.appendingPathComponent("scenes").path
    let model = directory.appendingPathComponent("model").path
    let synth = try runRegionKit([
      "synth", "-o", data, "--images", "8", "--seed", "3", "--size", "64x64", "--objects", "2",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    let train = try runRegionKit([
      "train", "--arch", "rcnn", "--classifier", "hog-svm", data, "-o", model,
      "--validation-fraction", "0.25", "--crop-size", "24", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("validation AP50"))
    for file in ["config.json", "model.safetensors", "validation.json"] {
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
    #expect(detect.stdout.contains("AP50") && detect.stdout.contains("s/image proposals"))
    let results = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: output)))
    #expect((results as? [Any]) != nil)
    #expect(try FileManager.default.contentsOfDirectory(atPath: pictures).count == 8)
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
