import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct DrawCommandTests {
  let image = Fixtures.url("dataset/images/chelsea.png").path
  let annotations = Fixtures.url("dataset/annotations.json").path

  @Test func drawsGroundTruthBoxes() throws {
    let output = try Fixtures.temporaryDirectory().appendingPathComponent("cat.png")
    let result = try runRegionKit(["draw", image, "--boxes", annotations, "-o", output.path])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("1 of 1 ground-truth boxes drawn on 451x300"))
    let drawn = try Image(contentsOf: output)
    let original = try Image(contentsOf: URL(fileURLWithPath: image))
    #expect(drawn.width == original.width && drawn.height == original.height)
    #expect(drawn.pixels != original.pixels)
  }

  @Test func drawsTheMatchingLineOfAProposalsFileScaledToTheImage() throws {
    let directory = try Fixtures.temporaryDirectory()
    let proposals = directory.appendingPathComponent("p.jsonl")
    // Boxes for a half-size image: they must be doubled onto the 451x300 photo.
    try Data(
      """
      {"image": "other.png", "width": 10, "height": 10, "boxes": [[0,0,5,5]], "scores": [1]}
      {"image": "chelsea.png", "width": 225, "height": 150, "boxes": [[10,10,100,100],[0,0,20,20],[5,5,6,6]], "scores": [0.9,0.5,0.1]}

      """.utf8
    ).write(to: proposals)
    let output = directory.appendingPathComponent("out.jpg")
    let result = try runRegionKit([
      "draw", image, "--boxes", proposals.path, "--top", "2", "--no-labels", "--line-width", "3",
      "-o", output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("2 of 3 proposals drawn"))
    let drawn = try Image(contentsOf: output)
    let original = try Image(contentsOf: URL(fileURLWithPath: image))
    // The first box's left edge is at x = 20..22 after scaling; the pixel at (21, 100) changed.
    let changed =
      abs(drawn[x: 21, y: 100, channel: 0] - original[x: 21, y: 100, channel: 0])
      + abs(drawn[x: 21, y: 100, channel: 1] - original[x: 21, y: 100, channel: 1])
    #expect(changed > 0.1)
  }

  @Test func maxOverlapSkipsNearDuplicatesAndTopCountsTheBoxesDrawn() throws {
    let directory = try Fixtures.temporaryDirectory()
    let proposals = directory.appendingPathComponent("p.jsonl")
    // The second box nearly repeats the first (IoU 0.9); the third and fourth are new.
    try Data(
      """
      {"image": "chelsea.png", "width": 451, "height": 300, "boxes": [[10,10,110,110],[10,10,100,110],[200,20,300,120],[0,150,200,300]], "scores": [4,3,2,1]}

      """.utf8
    ).write(to: proposals)
    let output = directory.appendingPathComponent("ranked.png")
    let result = try runRegionKit([
      "draw", image, "--boxes", proposals.path, "--top", "2", "--max-overlap", "0.5",
      "-o", output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains(
        "2 of 4 proposals drawn on 451x300, 1 near-duplicates (IoU > 0.5) skipped"))
    for bad in ["-0.1", "1.5"] {
      let rejected = try runRegionKit([
        "draw", image, "--boxes", proposals.path, "--max-overlap", bad, "-o", output.path,
      ])
      #expect(rejected.exitCode != 0 && rejected.stderr.contains("--max-overlap"))
    }
  }

  @Test func resultsFileNeedsAnImageID() throws {
    let directory = try Fixtures.temporaryDirectory()
    let results = directory.appendingPathComponent("results.json")
    try Data(#"[{"image_id": 2, "category_id": 17, "bbox": [10, 10, 50, 40], "score": 0.8}]"#.utf8)
      .write(to: results)
    let output = directory.appendingPathComponent("out.png")
    let missing = try runRegionKit(["draw", image, "--boxes", results.path, "-o", output.path])
    #expect(missing.exitCode != 0)
    #expect(missing.stderr.contains("--image-id"))
    let drawn = try runRegionKit([
      "draw", image, "--boxes", results.path, "--image-id", "2", "-o", output.path,
    ])
    #expect(drawn.exitCode == 0, "\(drawn.stderr)")
    #expect(drawn.stdout.contains("1 of 1 detections drawn"))
  }

  @Test func invalidOptionsAreRejected() throws {
    for arguments in [
      ["--top", "-1", "-o", "x.png"], ["--line-width", "0", "-o", "x.png"], ["-o", "x.bmp"],
    ] {
      let result = try runRegionKit(["draw", image, "--boxes", annotations] + arguments)
      #expect(result.exitCode != 0)
      #expect(result.stderr.contains("Error"), "\(result.stderr)")
    }
  }
}
