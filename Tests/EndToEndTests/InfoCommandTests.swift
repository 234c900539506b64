import Foundation
import RegionKitTestSupport
import Testing

@Suite struct InfoCommandTests {
  let dataset = Fixtures.url("dataset").path

  @Test func describesTheFixtureDataset() throws {
    let result = try runRegionKit(["info", dataset])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("images: 4"))
    #expect(result.stdout.contains("boxes: 13 (0 crowd, 0 difficult)"))
    #expect(result.stdout.contains("classes: 10"))
    #expect(result.stdout.contains("tower                4 boxes in 1 images"))
  }

  @Test func jsonOutputParses() throws {
    let result = try runRegionKit(["info", dataset, "--json"])
    #expect(result.exitCode == 0)
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["imageCount"] as? Int == 4)
    #expect(object["boxCount"] as? Int == 13)
  }

  @Test func describesAnImage() throws {
    let result = try runRegionKit(["info", Fixtures.url("dataset/images/rocket.jpg").path])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("format: jpeg, 3 band(s), 8-bit"))
    #expect(result.stdout.contains("size: 640 x 427"))
  }

  @Test func describesAPlainFolderOfImages() throws {
    let result = try runRegionKit(["info", Fixtures.url("dataset/images").path])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("(folder)"))
    #expect(result.stdout.contains("images: 4 (4 without boxes)"))
  }

  @Test func badInputFailsWithTheFileNamed() throws {
    let directory = try Fixtures.temporaryDirectory()
    let text = directory.appendingPathComponent("notes.jpg")
    try Data("not an image".utf8).write(to: text)
    let json = directory.appendingPathComponent("broken.json")
    try Data(#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": "#.utf8).write(
      to: json)
    for (path, expected) in [
      ("/nonexistent/x.jpg", "/nonexistent/x.jpg"), (text.path, "notes.jpg"),
      (json.path, "broken.json"),
    ] {
      let result = try runRegionKit(["info", path])
      #expect(result.exitCode != 0)
      #expect(result.stderr.contains(expected), "\(result.stderr)")
      #expect(!result.stderr.contains("Fatal error"))
    }
  }

  @Test(
    .enabled(
      if: Fixtures.sharedDataset("coco-tiny") != nil, "../shared/data/coco-tiny is absent"))
  func cocoTinyCountsMatchItsSourceFile() throws {
    let cocoTiny = try #require(Fixtures.sharedDataset("coco-tiny"))
    let result = try runRegionKit(["info", cocoTiny.path])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("images: 160"))
    #expect(result.stdout.contains("boxes: 1520 (17 crowd, 0 difficult)"))
    #expect(result.stdout.contains("classes: 80"))
  }
}
