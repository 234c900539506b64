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

  /// Lines for images the dataset does not have: listed as a warning, or refused with
  /// --strict; an inverted box is an error naming the file and line.
  @Test func proposalsForUnknownImagesAreReportedAndInvertedBoxesRefused() throws {
    let directory = try Fixtures.temporaryDirectory()
    let file = directory.appendingPathComponent("other.jsonl")
    try Data(
      """
      {"image": "chelsea.png", "boxes": [[155, 20, 390, 300]]}
      {"image": "not-in-the-dataset.png", "boxes": [[0, 0, 10, 10]]}

      """.utf8
    ).write(to: file)
    let arguments = [
      "evaluate", Fixtures.url("dataset").path, "--proposals", file.path, "--overlays", "0",
      "--no-progress", "-o", directory.appendingPathComponent("report").path,
    ]
    let lenient = try runRegionKit(arguments)
    #expect(lenient.exitCode == 0, "\(lenient.stderr)")
    #expect(
      lenient.stderr.contains(
        "warning: \(file.path): 1 line is for images not in the dataset: not-in-the-dataset.png"),
      "\(lenient.stderr)")
    let strict = try runRegionKit(arguments + ["--strict"])
    #expect(strict.exitCode == 1)
    #expect(strict.stderr.contains("not-in-the-dataset.png (--strict)"), "\(strict.stderr)")

    try Data(#"{"image": "chelsea.png", "boxes": [[390, 20, 155, 300]]}"#.utf8).write(to: file)
    let inverted = try runRegionKit(arguments)
    #expect(inverted.exitCode == 1)
    #expect(inverted.stderr.contains("\(file.path):1:") && inverted.stderr.contains("x1 <= x2"))
  }

  @Test func aFolderWithoutGroundTruthIsRejected() throws {
    let result = try runRegionKit([
      "evaluate", Fixtures.url("dataset/images").path, "-o", "/tmp/unused-report",
    ])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("no ground truth"))
  }
}
