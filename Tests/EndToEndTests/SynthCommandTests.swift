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
      #expect(result.stdout.contains("5 images of 40x32, classes square, circle"))
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

  @Test(arguments: [
    ["--size", "10x10"], ["--size", "big"], ["--classes", "hexagon"], ["--count", "0"],
    ["--classes", "circle,circle"],
  ])
  func badOptionsAreRejected(options: [String]) throws {
    let result = try runRegionKit(["synth", "-o", "/tmp/never-written"] + options)
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains(options[0]), "\(result.stderr)")
  }
}
