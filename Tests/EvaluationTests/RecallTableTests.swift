import Evaluation
import Foundation
import Testing

@Suite struct RecallTableTests {
  static func summary(method: String, counts: [Int], seconds: Double?) -> RecallSummary {
    let thresholds = ProposalEvaluation.Configuration.defaultIoUThresholds
    return RecallSummary(
      method: method, iouThresholds: thresholds, proposalCounts: counts, imageCount: 2,
      objectCount: 4,
      recall: thresholds.indices.map { t in
        counts.indices.map { k in Double(k + 1) / Double(counts.count) - Double(t) * 0.01 }
      },
      averageRecall: counts.indices.map { Double($0) / 10 },
      averageBestOverlap: counts.map { _ in 0.5 },
      meanAverageBestOverlap: counts.map { _ in 0.625 }, categories: [], sizes: [],
      meanSecondsPerImage: seconds, meanProposalsPerImage: 812.5, missingImages: [],
      failedImages: [], unmatchedRecords: [])
  }

  @Test func rowsPickTheNamedCountsAndThresholds() {
    let table = RecallTable(summaries: [
      Self.summary(method: "ss|fast", counts: [100, 1000], seconds: 1.5),
      Self.summary(method: "grid", counts: [10, 100], seconds: nil),
    ])
    #expect(
      table.rows[0] == [
        "ss|fast", "0.000", "0.100", "0.500", "1.000", "0.960", "0.625", "812.5", "1.5000",
      ])
    // 1000 was not evaluated for "grid".
    #expect(
      table.rows[1] == ["grid", "0.100", "–", "1.000", "–", "–", "0.625", "812.5", "–"])
    let lines = table.markdown().split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[1].hasPrefix("| --- | ---: |"))
    #expect(lines[2].hasPrefix("| ss\\|fast | 0.000 |"))
  }
}
