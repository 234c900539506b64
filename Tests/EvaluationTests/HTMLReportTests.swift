import Evaluation
import Foundation
import Testing

@Suite struct HTMLReportTests {
  @Test func escapesTextGroupsOverlaysByImageAndEmbedsPNG() {
    let table = RecallTable(summaries: [
      RecallTableTests.summary(method: "<ss>", counts: [100, 1000], seconds: 1)
    ])
    let png = Data([0x89, 0x50, 0x4E, 0x47])
    let page = HTMLReport(
      title: "A & B", table: table,
      plots: [LinePlot(title: "p", xLabel: "x", yLabel: "y")],
      overlays: [
        .init(fileName: "one.jpg", method: "m1", png: png, caption: "2 of 3"),
        .init(fileName: "two.jpg", method: "m1", png: nil, caption: "image not readable"),
        .init(fileName: "one.jpg", method: "m2", png: png, caption: "3 of 3"),
      ],
      notes: ["5 images"])
    let html = page.html()
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<title>A &amp; B</title>"))
    #expect(html.contains("<td>&lt;ss&gt;</td>"))
    #expect(html.contains("<p>5 images</p>"))
    #expect(html.components(separatedBy: "<svg ").count - 1 == 1)
    // one.jpg's two overlays sit under one heading, before two.jpg.
    let one = html.range(of: "<h3>one.jpg</h3>")
    let two = html.range(of: "<h3>two.jpg</h3>")
    #expect(one != nil && two != nil && one!.lowerBound < two!.lowerBound)
    #expect(html.components(separatedBy: "<h3>one.jpg</h3>").count - 1 == 1)
    #expect(
      html.components(separatedBy: "src=\"data:image/png;base64,\(png.base64EncodedString())\"")
        .count - 1 == 2)
    #expect(html.contains("m1: image not readable"))
  }
}
