import Foundation

/// The comparison table of proposal methods: one row per method with AR@100, AR@1000,
/// recall at IoU 0.5 with 100 and 1000 proposals, recall at IoU 0.7 with 1000, MABO with
/// the largest evaluated count (`MABO@max N`), proposals per image and seconds per image.
///
///     let markdown = RecallTable(summaries: reports.map(\.summary)).markdown()
public struct RecallTable: Sendable {
  /// Column titles, in order.
  public static let headers = [
    "method", "AR@100", "AR@1000", "R@0.5 N=100", "R@0.5 N=1000", "R@0.7 N=1000", "MABO@max N",
    "proposals/image", "s/image",
  ]

  /// One row of text cells per method, `–` where a value was not evaluated.
  public let rows: [[String]]

  /// Builds the table.
  ///
  /// - Parameter summaries: One summary per method, in row order.
  public init(summaries: [RecallSummary]) {
    func cell(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
    rows = summaries.map { s in
      [
        s.method, cell(s.averageRecall(proposals: 100)), cell(s.averageRecall(proposals: 1000)),
        cell(s.recall(iou: 0.5, proposals: 100)), cell(s.recall(iou: 0.5, proposals: 1000)),
        cell(s.recall(iou: 0.7, proposals: 1000)), cell(s.meanAverageBestOverlap.last),
        String(format: "%.1f", s.meanProposalsPerImage),
        s.meanSecondsPerImage.map { String(format: "%.4f", $0) } ?? "–",
      ]
    }
  }

  /// The table as GitHub-flavoured Markdown, numbers right-aligned.
  ///
  /// - Returns: Header, separator and one line per method, each ending in a newline.
  public func markdown() -> String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
        + " |\n"
    }
    return line(Self.headers) + "|"
      + ([" --- |"] + Array(repeating: " ---: |", count: Self.headers.count - 1)).joined()
      + "\n" + rows.map(line).joined()
  }
}
