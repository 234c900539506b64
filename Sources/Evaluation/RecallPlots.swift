/// The standard plots of a proposal recall comparison (Hosang et al. 2016, figures 4–6):
/// recall versus the number of proposals at IoU 0.5 and 0.7, recall versus IoU at 100 and
/// 1000 proposals, AR versus the number of proposals, and AR@1000 versus seconds per image.
///
///     for (name, plot) in RecallPlots.plots(for: reports.map(\.summary)) {
///       try Data(plot.svg().utf8).write(to: folder.appendingPathComponent(name + ".svg"))
///     }
public enum RecallPlots {
  /// The plots for several methods, one series per method.
  ///
  /// Counts or thresholds a method was not evaluated at are left out of its series. Curves
  /// against the number of proposals end at the largest *N* measured
  /// (``RecallSummary/measuredCounts``: beyond the most proposals any image has, recall
  /// cannot change, so a flat tail would show nothing), and their x axis runs from the
  /// smallest count to the largest *N* of any method. The seconds plot leaves out methods
  /// without timing and uses a log axis when the times span more than a factor of 20.
  ///
  /// - Parameter summaries: One summary per method.
  /// - Returns: `(file stem, plot)` pairs in a fixed order.
  public static func plots(for summaries: [RecallSummary]) -> [(name: String, plot: LinePlot)] {
    var plots: [(String, LinePlot)] = []
    let measured = summaries.map(\.measuredCounts)
    let countRange = proposalRange(measured)
    // Say where the curves end, since the last N is rarely a round number.
    var countLabel = "number of proposals N"
    if let largest = summaries.compactMap(\.maxProposalsPerImage).max(),
      countRange?.upperBound == Double(largest)
    {
      countLabel += " (up to \(largest), the most of any image)"
    }
    for iou in [0.5, 0.7] {
      var plot = LinePlot(
        title: "Recall at IoU \(label(iou)) versus proposals", xLabel: countLabel,
        yLabel: "recall", isLogX: true)
      plot.yRange = 0...1
      plot.xRange = countRange
      plot.series = zip(summaries, measured).map { summary, counts in
        guard let t = summary.thresholdIndex(iou) else {
          return LinePlot.Series(name: summary.method, x: [], y: [])
        }
        return LinePlot.Series(
          name: summary.method, x: counts.map { Double($0.count) },
          y: counts.map { summary.recall[t][$0.column] })
      }
      plots.append(("recall_vs_proposals_iou\(digits(iou))", plot))
    }
    for count in [100, 1000] {
      var plot = LinePlot(
        title: "Recall versus IoU at N = \(count)", xLabel: "IoU threshold", yLabel: "recall")
      plot.yRange = 0...1
      plot.xRange = 0.5...1
      plot.series = summaries.map { summary in
        guard let k = summary.proposalCounts.firstIndex(of: count) else {
          return LinePlot.Series(name: summary.method, x: [], y: [])
        }
        return LinePlot.Series(
          name: summary.method, x: summary.iouThresholds, y: summary.recall.map { $0[k] })
      }
      plots.append(("recall_vs_iou_n\(count)", plot))
    }
    var average = LinePlot(
      title: "Average recall versus proposals", xLabel: countLabel,
      yLabel: "average recall", isLogX: true)
    average.yRange = 0...1
    average.xRange = countRange
    average.series = zip(summaries, measured).map { summary, counts in
      LinePlot.Series(
        name: summary.method, x: counts.map { Double($0.count) },
        y: counts.map { summary.averageRecall[$0.column] })
    }
    plots.append(("ar_vs_proposals", average))

    let timed = summaries.compactMap { summary -> (String, Double, Double)? in
      guard let seconds = summary.meanSecondsPerImage, seconds > 0,
        let ar = summary.averageRecall(proposals: 1000)
      else { return nil }
      return (summary.method, seconds, ar)
    }
    let times = timed.map(\.1)
    var speed = LinePlot(
      title: "AR@1000 versus time", xLabel: "seconds per image", yLabel: "AR@1000",
      isLogX: (times.max() ?? 1) > 20 * (times.min() ?? 1))
    speed.yRange = 0...1
    if let low = times.min(), let high = times.max() {
      // Keep markers off the frame: half a step of room on each side.
      speed.xRange = speed.isLogX ? (low / 2)...(high * 2) : 0...(high * 1.25)
    }
    speed.series = timed.map { LinePlot.Series(name: $0.0, x: [$0.1], y: [$0.2], style: .markers) }
    plots.append(("ar1000_vs_seconds", speed))
    for index in plots.indices { plots[index].1.identifier = plots[index].0 }
    return plots
  }

  /// From the smallest count to the largest *N* measured by any method; `nil` (fit the
  /// data) when no method has a count.
  private static func proposalRange(_ measured: [[(count: Int, column: Int)]]) -> ClosedRange<
    Double
  >? {
    let counts = measured.flatMap { $0.map(\.count) }.filter { $0 > 0 }
    guard let low = counts.min(), let high = counts.max(), high > low else { return nil }
    return Double(low)...Double(high)
  }

  private static func label(_ iou: Double) -> String {
    String(format: "%.1f", iou)
  }

  private static func digits(_ iou: Double) -> String {
    String(format: "%03d", Int((iou * 100).rounded()))
  }
}
