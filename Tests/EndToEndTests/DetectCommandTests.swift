import Foundation
import RegionKitTestSupport
import Testing

@Suite struct DetectCommandTests {
  @Test func detectsOnADatasetAndAnImage() throws {
    let folder = try Fixtures.temporaryDirectory("detect")
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try TrainCommandTests.synth(folder, count: 6)
    let model = folder.appendingPathComponent("model")
    let train = try runRegionKit(
      ["train", dataset.path, "-o", model.path, "--epochs", "1"] + TrainCommandTests.small)
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
}
