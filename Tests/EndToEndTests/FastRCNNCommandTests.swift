import Foundation
import RegionKitTestSupport
import Testing

@Suite struct FastRCNNCommandTests {
  @Test(arguments: ["faster-rcnn", "fast-rcnn"])
  func trainsResumesAndDetects(_ arch: String) throws {
    let folder = try Fixtures.temporaryDirectory("fast-rcnn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = folder.appendingPathComponent("scenes")
    let synth = try runRegionKit([
      "synth", "-o", dataset.path, "--images", "4", "--objects", "3", "--size", "64x64",
      "--seed", "3",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    let model = folder.appendingPathComponent("model")
    let common = [
      "train", "--arch", arch, dataset.path, "-o", model.path, "--max-side", "64",
      "--anchor-sizes", "16,32", "--proposals", "sliding-window", "--max-proposals", "50",
      "--validation-fraction", "0.25", "--no-progress",
    ]
    let train = try runRegionKit(common + ["--epochs", "1"])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("validation AP50"), "\(train.stdout)")
    let resumed = try runRegionKit(common + ["--epochs", "2", "--resume"])
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    let history = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("history.json"))) as? [[String: Any]])
    #expect(history.compactMap { $0["epoch"] as? Int } == [1, 2])

    let results = folder.appendingPathComponent("detections.json")
    let draw = folder.appendingPathComponent("draw")
    let detect = try runRegionKit([
      "detect", model.path, dataset.path, "-o", results.path, "--draw", draw.path, "--evaluate",
      "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 4 images") && detect.stdout.contains("AP50"))
    #expect(FileManager.default.fileExists(atPath: draw.appendingPathComponent("000001.png").path))
  }
}
