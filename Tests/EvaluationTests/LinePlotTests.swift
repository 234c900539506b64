import Evaluation
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct LinePlotTests {
  static func plot() -> LinePlot {
    var plot = LinePlot(
      title: "Recall <at> 0.5", xLabel: "proposals", yLabel: "recall", isLogX: true)
    plot.yRange = 0...1
    plot.series = [
      .init(name: "A & B", x: [1, 10, 100, 10000], y: [0.1, 0.3, 0.6, 0.9]),
      .init(name: "sliding", x: [0, 5, 50], y: [0.05, 0.2, 0.4]),
    ]
    return plot
  }

  @Test func writesAxesTicksLegendAndEscapesText() {
    let svg = Self.plot().svg()
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.contains("Recall &lt;at&gt; 0.5"))
    #expect(svg.contains(">A &amp; B</text>"))
    for label in [">1</text>", ">10</text>", ">100</text>", ">1000</text>", ">1e4</text>"] {
      #expect(svg.contains(label), "missing x tick \(label)")
    }
    for label in [">0</text>", ">0.2</text>", ">1</text>"] {
      #expect(svg.contains(label), "missing y tick \(label)")
    }
    // Two series polylines; x = 0 is dropped on the log axis (2 points left of 3).
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    // The second series: 2 markers and its legend marker.
    #expect(svg.components(separatedBy: "fill=\"#ff7f0e\"").count - 1 == 2 + 1)
  }

  @Test func isDeterministicAndMarkersHaveNoLine() {
    var plot = Self.plot()
    #expect(plot.svg() == plot.svg())
    plot.isLogX = false
    plot.series = [.init(name: "m", x: [0.5], y: [0.7], style: .markers)]
    let svg = plot.svg()
    #expect(!svg.contains("<polyline"))
    #expect(svg.contains("r=\"5.0\""))
  }

  @Test func linearTicksLandOnRoundNumbers() {
    var plot = LinePlot(title: "t", xLabel: "IoU", yLabel: "recall")
    plot.xRange = 0.5...1
    plot.series = [.init(name: "s", x: [0.5, 1], y: [0, 1])]
    let svg = plot.svg()
    for label in [">0.5</text>", ">0.6</text>", ">0.9</text>", ">1</text>"] {
      #expect(svg.contains(label), "missing tick \(label)")
    }
    #expect(!svg.contains(">1.</text>") && !svg.contains(">0.999"))
  }

  @Test func svgIsWellFormedXML() {
    let parser = XMLParser(data: Data(Self.plot().svg().utf8))
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
  }

  @Test func aLogAxisGivenARangeEndsExactlyAtItsUpperBound() throws {
    var plot = LinePlot(title: "t", xLabel: "N", yLabel: "recall", isLogX: true)
    plot.xRange = 1...340
    plot.yRange = 0...1
    plot.series = [.init(name: "s", x: [1, 10, 100, 340], y: [0.1, 0.4, 0.7, 0.8])]
    let svg = plot.svg()
    // The frame spans x = 64 ... 470 (640 px minus the 170 px legend); the curve runs from
    // its left edge to its right edge, and no tick is drawn past 340 (the next decade, 1000).
    #expect(svg.contains("<rect x=\"64.0\" y=\"36.0\" width=\"406.0\""))
    let points = try #require(
      svg.components(separatedBy: "<polyline points=\"").dropFirst().first?
        .components(separatedBy: "\"").first)
    let xs = points.split(separator: " ").compactMap { Double($0.split(separator: ",")[0]) }
    #expect(xs.first == 64 && xs.last == 470, "\(points)")
    #expect(svg.contains(">100</text>") && !svg.contains(">1000</text>"))
  }

  @Test func scatterOfOnePointStillHasARange() {
    let plot = LinePlot(
      title: "t", xLabel: "x", yLabel: "y",
      series: [.init(name: "p", x: [2], y: [3], style: .markers)])
    let svg = plot.svg()
    #expect(!svg.contains("nan") && !svg.contains("inf"))
  }
}
