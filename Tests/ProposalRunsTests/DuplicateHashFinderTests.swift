import Foundation
import RegionKitTestSupport
import Testing

@testable import ProposalRuns

@Suite struct DuplicateHashFinderTests {
  @Test(arguments: [1, 3, 7, 1 << 20])
  func findsRepeatsInMemoryOrThroughSortedRuns(chunkCapacity: Int) throws {
    let directory = try Fixtures.temporaryDirectory()
    var finder = DuplicateHashFinder(
      temporaryFilesNextTo: directory.appendingPathComponent("p.jsonl"),
      chunkCapacity: chunkCapacity)
    let values: [UInt64] = [40, 7, 13, 99, 7, 0, .max, 21, 13, 13, .max, 5]
    for value in values { try finder.add(value) }
    #expect(finder.runCount == (chunkCapacity < values.count ? values.count / chunkCapacity : 0))
    #expect(try finder.duplicates() == [7, 13, .max])
    // The run files are removed once read.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func noValuesNoRepeats() throws {
    var finder = DuplicateHashFinder(
      temporaryFilesNextTo: try Fixtures.temporaryDirectory().appendingPathComponent("p"),
      chunkCapacity: 2)
    #expect(try finder.duplicates().isEmpty)
    for value in 0..<9 as Range<UInt64> { try finder.add(value) }
    #expect(try finder.duplicates().isEmpty)
  }
}
