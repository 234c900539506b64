import Boxes
import Datasets
import Evaluation
import Foundation
import Imaging
import ProposalIO
import RegionKitTestSupport
import Testing

@Suite struct ReportWriterTests {
  /// Proposals for the fixture photos: a coarse grid, plus (for the "good" method) each
  /// ground-truth box shifted by 4 pixels.
  static func records(_ dataset: Dataset, good: Bool) -> [ProposalRecord] {
    dataset.images.map { image in
      var boxes: [Box] = []
      if good {
        boxes += image.annotations.map {
          Box(x1: $0.box.x1 + 4, y1: $0.box.y1 + 4, x2: $0.box.x2 + 4, y2: $0.box.y2 + 4)
        }
      }
      let step = Float(max(image.width, image.height)) / 4
      for y in stride(from: Float(0), to: Float(image.height), by: step) {
        for x in stride(from: Float(0), to: Float(image.width), by: step) {
          boxes.append(Box(x1: x, y1: y, x2: x + step, y2: y + step))
        }
      }
      return ProposalRecord(
        image: image.fileName, width: image.width, height: image.height,
        seconds: good ? 0.5 : 0.01,
        proposals: boxes.enumerated().map {
          Proposal(
            box: $1, score: Float(-$0), provenance: Provenance(method: good ? "good" : "grid"))
        })
    }
  }

  @Test func writesSummaryTablePlotsAndPage() throws {
    let dataset = try Dataset.load(from: Fixtures.url("dataset"))
    let evaluation = ProposalEvaluation(configuration: .init(proposalCounts: [1, 10, 100, 1000]))
    let reports = try [true, false].map {
      try evaluation.evaluate(records: Self.records(dataset, good: $0), dataset: dataset)
    }
    let folder = try Fixtures.temporaryDirectory("evaluation-report")
    defer { try? FileManager.default.removeItem(at: folder) }
    let writer = ReportWriter(
      configuration: .init(
        sampleCount: 2, overlayMaxSide: 128, pageOverlayWidth: 256, sheetWidth: 300))
    let output = try writer.write(reports, dataset: dataset, to: folder)
    #expect(output.warnings.isEmpty, "\(output.warnings)")

    struct Summary: Decodable { var methods: [RecallSummary] }
    let summary = try JSONDecoder().decode(
      Summary.self, from: Data(contentsOf: folder.appendingPathComponent("summary.json")))
    #expect(summary.methods == reports.map(\.summary))
    #expect(summary.methods[0].recall(iou: 0.5, proposals: 1000) == 1)
    // The largest N measured: the most proposals of any image (a 4 x 3 grid plus the
    // astronaut's or rocket's boxes).
    let most = Self.records(dataset, good: true).map(\.proposals.count).max()
    #expect(summary.methods[0].maxProposalsPerImage == most)

    let table = try String(contentsOf: folder.appendingPathComponent("table.md"), encoding: .utf8)
    #expect(table.split(separator: "\n").count == 4)
    #expect(table.contains("| good | "))

    for name in [
      "recall_vs_proposals_iou050", "recall_vs_proposals_iou070", "recall_vs_iou_n100",
      "recall_vs_iou_n1000", "ar_vs_proposals", "ar1000_vs_seconds",
    ] {
      let svg = folder.appendingPathComponent("plots/\(name).svg")
      #expect(FileManager.default.fileExists(atPath: svg.path), "missing \(name).svg")
      // libvips renders the SVG (svgload): the PNG has the plot's size.
      let png = try Image(contentsOf: folder.appendingPathComponent("plots/\(name).png"))
      #expect(png.width == 640 && png.height == 400)
    }

    let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<svg ").count - 1 == 6)
    // Two sample images, one overlay per method each, as JPEG drawn at the page's width.
    #expect(html.components(separatedBy: "src=\"data:image/jpeg;base64,").count - 1 == 4)
    #expect(!html.contains("src=\"http"))
    // The same four overlays as files, one folder per method.
    for method in ["good", "grid"] {
      let pictures = output.files.filter {
        $0.deletingLastPathComponent().path.hasSuffix("overlays/\(method)")
      }
      #expect(pictures.count == 2, "\(method): \(pictures)")
      for url in pictures {
        let picture = try Image(contentsOf: url)
        #expect(max(picture.width, picture.height) == 128 && picture.channels == 3)
        let name = url.deletingPathExtension().lastPathComponent
        #expect(dataset.images.contains { $0.fileName.hasPrefix(name + ".") }, "\(name)")
      }
      // Both samples on one sheet of the configured width.
      let sheetURL = folder.appendingPathComponent("overlays/\(method).png")
      #expect(output.files.contains(sheetURL))
      let sheet = try Image(contentsOf: sheetURL)
      #expect(
        sheet.width == 300 && sheet.height > 50 && sheet.height < 300,
        "\(sheet.width)x\(sheet.height)")
    }
  }

  @Test func pageOverlaysAreDrawnAtThePagesWidth() throws {
    let dataset = try Dataset.load(from: Fixtures.url("dataset"))
    let report = try ProposalEvaluation().evaluate(
      records: Self.records(dataset, good: true), dataset: dataset)
    let folder = try Fixtures.temporaryDirectory("evaluation-report")
    defer { try? FileManager.default.removeItem(at: folder) }
    let writer = ReportWriter(
      configuration: .init(sampleCount: 4, pageOverlayWidth: 400, sheetWidth: 0, writesPNG: false))
    let output = try writer.write([report], dataset: dataset, to: folder)
    #expect(
      !output.files.contains { $0.lastPathComponent == "good.png" }, "no sheet when its width is 0")
    let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    let sources = html.components(separatedBy: "src=\"data:image/jpeg;base64,").dropFirst()
    #expect(sources.count == 4)
    for source in sources {
      let data = try #require(Data(base64Encoded: String(source.prefix { $0 != "\"" })))
      let picture = try Image(data: data, name: "overlay.jpg")
      // 400 wide, or 300 high for the square astronaut (at most three quarters of the width).
      #expect(picture.width == 400 || (picture.height == 300 && picture.width == 300))
    }
    // The files keep the photos' own size.
    let rocket = try Image(contentsOf: folder.appendingPathComponent("overlays/good/rocket.png"))
    #expect(rocket.width == 640 && rocket.height == 427)
  }

  @Test func sampleChoiceIsSeededAndNeedsObjects() throws {
    let dataset = try Dataset.load(from: Fixtures.url("dataset"))
    let report = try ProposalEvaluation().evaluate(
      records: Self.records(dataset, good: false), dataset: dataset)
    let folder = try Fixtures.temporaryDirectory("evaluation-report")
    defer { try? FileManager.default.removeItem(at: folder) }
    let a = ReportWriter(configuration: .init(sampleCount: 3, seed: 7, writesPNG: false))
    let first = try a.write([report], dataset: dataset, to: folder)
    let again = try a.write([report], dataset: dataset, to: folder)
    #expect(first == again)
    // No PNG plots; the three overlays are still written (they are pictures, not plots).
    #expect(!first.files.contains { $0.pathExtension == "png" && $0.path.contains("/plots/") })
    #expect(first.files.filter { $0.path.contains("/overlays/grid/") }.count == 3)
    #expect(throws: EvaluationError.noMethods) { try a.write([], dataset: dataset, to: folder) }
  }
}
