import Evaluation
import Foundation
import Testing

@Suite struct RecallSummaryTests {
  @Test func lookupsByValueAndJSONRoundTrip() throws {
    let summary = RecallTableTests.summary(method: "ss", counts: [100, 1000], seconds: nil)
    #expect(summary.thresholdIndex(0.7) == 4)
    #expect(summary.recall(iou: 0.7, proposals: 1000) == summary.recall[4][1])
    #expect(summary.recall(iou: 0.71, proposals: 1000) == nil)
    #expect(summary.averageRecall(proposals: 100) == 0)
    #expect(summary.meanAverageBestOverlap(proposals: 5) == nil)
    let data = try JSONEncoder().encode(summary)
    #expect(try JSONDecoder().decode(RecallSummary.self, from: data) == summary)
  }
}

@Suite struct RecallSummaryMeasuredCountsTests {
  @Test(arguments: [
    (340, [(1, 0), (10, 1), (100, 2), (340, 3)]),
    (100, [(1, 0), (10, 1), (100, 2)]),
    (20_000, [(1, 0), (10, 1), (100, 2), (1000, 3), (10000, 4)]),
    (0, []),
  ])
  func countsStopAtTheLargestN(largest: Int, expected: [(Int, Int)]) {
    var summary = RecallTableTests.summary(
      method: "m", counts: [1, 10, 100, 1000, 10000], seconds: nil)
    summary.maxProposalsPerImage = largest
    #expect(summary.measuredCounts.map(\.count) == expected.map(\.0))
    #expect(summary.measuredCounts.map(\.column) == expected.map(\.1))
  }

  @Test func summariesWithoutTheLargestNStillDecode() throws {
    let summary = RecallTableTests.summary(method: "m", counts: [1, 10], seconds: nil)
    #expect(summary.maxProposalsPerImage == nil)
    // Summaries written before the field existed still decode.
    var json =
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as! [String: Any]
    json["maxProposalsPerImage"] = nil
    let old = try JSONDecoder().decode(
      RecallSummary.self, from: JSONSerialization.data(withJSONObject: json))
    #expect(old == summary)
  }
}
