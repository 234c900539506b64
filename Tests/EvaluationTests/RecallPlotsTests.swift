import Evaluation
import Testing

@Suite struct RecallPlotsTests {
  @Test func sixPlotsOneSeriesPerMethod() {
    let timed = RecallTableTests.summary(method: "ss", counts: [100, 1000], seconds: 2)
    let untimed = RecallTableTests.summary(method: "grid", counts: [10, 100], seconds: nil)
    let plots = RecallPlots.plots(for: [timed, untimed])
    #expect(
      plots.map(\.name) == [
        "recall_vs_proposals_iou050", "recall_vs_proposals_iou070", "recall_vs_iou_n100",
        "recall_vs_iou_n1000", "ar_vs_proposals", "ar1000_vs_seconds",
      ])
    #expect(plots.allSatisfy { $0.plot.identifier == $0.name })
    let byName = Dictionary(uniqueKeysWithValues: plots.map { ($0.name, $0.plot) })
    // Recall at IoU 0.5: x = counts, y = the 0.5 row.
    let first = byName["recall_vs_proposals_iou050"]!
    #expect(first.isLogX)
    #expect(first.series[0].x == [100, 1000] && first.series[0].y == timed.recall[0])
    // "grid" was not evaluated at N = 1000: its series is empty there.
    #expect(byName["recall_vs_iou_n1000"]!.series[1].x.isEmpty)
    #expect(byName["recall_vs_iou_n100"]!.series[1].y == untimed.recall.map { $0[1] })
    // Only timed methods with AR@1000 appear against seconds.
    let speed = byName["ar1000_vs_seconds"]!
    #expect(speed.series.map(\.name) == ["ss"])
    #expect(speed.series[0].x == [2] && speed.series[0].y == [timed.averageRecall[1]])
  }
}

@Suite struct RecallPlotsRangeTests {
  /// A summary evaluated at 1 … 10000 whose images have at most `largest` proposals.
  static func summary(method: String, largest: Int?) -> RecallSummary {
    var summary = RecallTableTests.summary(
      method: method, counts: [1, 10, 100, 1000, 10000], seconds: 1)
    summary.maxProposalsPerImage = largest
    return summary
  }

  @Test func curvesAgainstNEndAtTheLargestNMeasured() {
    let few = Self.summary(method: "few", largest: 340)
    let many = Self.summary(method: "many", largest: 2500)
    let plots = Dictionary(
      uniqueKeysWithValues: RecallPlots.plots(for: [few, many]).map { ($0.name, $0.plot) })
    for name in ["recall_vs_proposals_iou050", "recall_vs_proposals_iou070", "ar_vs_proposals"] {
      let plot = plots[name]!
      // "few": 1, 10, 100, then its largest N with the values of the 1000 column.
      #expect(plot.series[0].x == [1, 10, 100, 340], "\(name)")
      #expect(plot.series[1].x == [1, 10, 100, 1000, 2500], "\(name)")
      // The axis ends at the largest N of any method, not at the next power of ten, and says so.
      #expect(plot.xRange == 1...2500, "\(name)")
      #expect(plot.xLabel == "number of proposals N (up to 2500, the most of any image)")
    }
    let recall = plots["recall_vs_proposals_iou050"]!
    #expect(recall.series[0].y == [0, 1, 2, 3].map { few.recall[0][$0] })
    #expect(
      plots["ar_vs_proposals"]!.series[1].y == [0, 1, 2, 3, 4].map { many.averageRecall[$0] })
  }

  @Test func withoutTheLargestNEveryCountIsPlotted() {
    let plots = RecallPlots.plots(for: [Self.summary(method: "old", largest: nil)])
    #expect(plots[0].plot.series[0].x == [1, 10, 100, 1000, 10000])
    #expect(plots[0].plot.xRange == 1...10000)
    #expect(plots[0].plot.xLabel == "number of proposals N")
  }
}
