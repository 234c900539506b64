import Foundation
import RegionKitTestSupport
import Testing

@Suite struct SynthCommandTests {
  @Test func writesASeededCOCODataset() throws {
    let folder = try Fixtures.temporaryDirectory("synth")
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = folder.appendingPathComponent("a"), second = folder.appendingPathComponent("b")
    for target in [first, second] {
      let result = try runRegionKit([
        "synth", "-o", target.path, "--count", "5", "--seed", "3", "--size", "40x32", "--classes",
        "square,circle",
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
      #expect(result.stdout.contains("5 images of 40x32 with 5 objects, classes square, circle"))
    }
    let annotations = try Data(contentsOf: first.appendingPathComponent("annotations.json"))
    #expect(
      annotations == (try Data(contentsOf: second.appendingPathComponent("annotations.json"))))
    #expect(
      try Data(contentsOf: first.appendingPathComponent("images/000004.png"))
        == Data(contentsOf: second.appendingPathComponent("images/000004.png")))
    let info = try runRegionKit(["info", first.path])
    #expect(info.stdout.contains("images: 5"), "\(info.stdout)")
  }

  @Test func objectsAboveOneWritesDetectionScenes() throws {
    let folder = try Fixtures.temporaryDirectory("synth-scenes")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runRegionKit([
      "synth", "-o", folder.path, "--images", "6", "--seed", "4", "--size", "64x48", "--objects",
      "4",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let info = try runRegionKit(["info", folder.path])
    #expect(info.stdout.contains("images: 6"), "\(info.stdout)")
    let json =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: folder.appendingPathComponent("annotations.json"))) as? [String: Any]
    let annotations = json?["annotations"] as? [[String: Any]] ?? []
    #expect(annotations.count > 6 && annotations.count <= 24)
    #expect(result.stdout.contains("with \(annotations.count) objects"))
  }

  @Test(arguments: [
    ["--size", "10x10"], ["--size", "big"], ["--classes", "hexagon"], ["--images", "0"],
    ["--objects", "0"],
    ["--classes", "circle,circle"],
  ])
  func badOptionsAreRejected(options: [String]) throws {
    let result = try runRegionKit(["synth", "-o", "/tmp/never-written"] + options)
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains(options[0]), "\(result.stderr)")
  }
}
