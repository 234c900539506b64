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
