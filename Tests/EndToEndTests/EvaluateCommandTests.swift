import Foundation
import RegionKitTestSupport
import Testing

@Suite struct EvaluateCommandTests {
  @Test func writesTheReportAndScoresOtherToolsProposals() throws {
    let directory = try Fixtures.temporaryDirectory()
    // Another tool's proposals: the ground truth of two images, so recall there is 1.
    let other = directory.appendingPathComponent("perfect.jsonl")
    try Data(
      """
      {"image": "chelsea.png", "boxes": [[155, 20, 390, 300]]}

      """.utf8
    ).write(to: other)
    let report = directory.appendingPathComponent("report")
    let result = try runRegionKit([
      "evaluate", Fixtures.url("dataset").path, "--method", "sliding-window", "--proposals",
      other.path, "--top", "500", "--overlays", "2", "--no-progress", "-o", report.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("| sliding-window |"))
    #expect(result.stdout.contains("| perfect |"))
    for file in [
      "summary.json", "table.md", "index.html", "proposals/sliding-window.jsonl",
      "proposals/sliding-window.npz",
      "plots/recall_vs_proposals_iou050.svg", "plots/recall_vs_proposals_iou050.png",
    ] {
      #expect(
        FileManager.default.fileExists(atPath: report.appendingPathComponent(file).path), "\(file)")
    }
    let html = try String(contentsOf: report.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("<svg") && html.contains("data:image/jpeg;base64,"))
    // --overlays 2: two coverage pictures per method, also as files.
    let overlays = try FileManager.default.contentsOfDirectory(
      atPath: report.appendingPathComponent("overlays/sliding-window").path)
    #expect(overlays.count == 2 && overlays.allSatisfy { $0.hasSuffix(".png") }, "\(overlays)")
    // And both on one sheet per method.
    for sheet in ["overlays/sliding-window.png", "overlays/perfect.png"] {
      #expect(
        FileManager.default.fileExists(atPath: report.appendingPathComponent(sheet).path),
        "\(sheet)")
    }
    // The other tool's file covers 1 image of 4, the rest count as missing.
    #expect(result.stderr.contains("perfect: 0 failed and 3 missing images"))
  }

  @Test func aFolderWithoutGroundTruthIsRejected() throws {
    let result = try runRegionKit([
      "evaluate", Fixtures.url("dataset/images").path, "-o", "/tmp/unused-report",
    ])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("no ground truth"))
  }
}
