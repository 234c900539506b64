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
