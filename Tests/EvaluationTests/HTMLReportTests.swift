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

  @Test func plotsSitTwoPerRowAndOverlaysFillTheWidth() {
    let table = RecallTable(summaries: [
      RecallTableTests.summary(method: "ss", counts: [100, 1000], seconds: 1)
    ])
    let jpeg = Data([0xFF, 0xD8, 0xFF])
    let page = HTMLReport(
      title: "t", table: table,
      plots: (0..<3).map { LinePlot(title: "p\($0)", xLabel: "x", yLabel: "y") },
      overlays: [
        .init(fileName: "a.jpg", method: "ss", picture: jpeg, mediaType: "image/jpeg", caption: "c")
      ])
    let html = page.html()
    // Two equal columns inside a content column of contentWidth pixels; plots scale to them.
    #expect(html.contains("main { max-width: \(HTMLReport.contentWidth)px;"))
    #expect(html.contains("grid-template-columns: repeat(2, minmax(0, 1fr))"))
    #expect(html.contains(".plots svg { display: block; width: 100%; height: auto;"))
    // Overlays are not shrunk below the column: at most its width, otherwise their own size.
    #expect(html.contains("figure img { display: block; max-width: 100%; height: auto; }"))
    #expect(!html.contains("max-width: 512px"))
    #expect(html.contains("src=\"data:image/jpeg;base64,\(jpeg.base64EncodedString())\""))
  }
}
