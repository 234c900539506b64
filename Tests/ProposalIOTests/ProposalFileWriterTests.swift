import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

@Suite struct ProposalFileWriterTests {
  @Test func destinationAppearsOnlyWhenFinished() throws {
    let directory = try Fixtures.temporaryDirectory()
    let url = directory.appendingPathComponent("p.jsonl")
    try ProposalFile.write([testRecord("old.jpg", index: 9)], to: url)
    let records = (0..<3).map { testRecord("i\($0).jpg", index: $0) }
    let writer = try ProposalFileWriter(url: url)
    for record in records { try writer.append(record) }
    #expect(try ProposalFile.read(contentsOf: url).map(\.image) == ["old.jpg"])
    try writer.finish()
    #expect(try ProposalFile.read(contentsOf: url) == records)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["p.jsonl"])
  }

  @Test func aStaleTemporaryFileOfAKilledRunIsRemoved() throws {
    let directory = try Fixtures.temporaryDirectory()
    let stale = directory.appendingPathComponent(".p.jsonl.tmp-999999-00c0ffee")
    try Data("{\"image\": \"half".utf8).write(to: stale)
    let url = directory.appendingPathComponent("p.jsonl")
    try ProposalFile.write([testRecord("a.jpg", index: 0)], to: url)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["p.jsonl"])
  }

  @Test func finishingTwiceIsATypedError() throws {
    let writer = try ProposalFileWriter(
      url: try Fixtures.temporaryDirectory().appendingPathComponent("p.jsonl"))
    try writer.finish()
    #expect(throws: ProposalIOError.self) { try writer.finish() }
    #expect(throws: ProposalIOError.self) { try writer.append(testRecord("a.jpg", index: 0)) }
  }

  @Test func anUnfinishedWriterLeavesNothingBehind() throws {
    let directory = try Fixtures.temporaryDirectory()
    do {
      let writer = try ProposalFileWriter(url: directory.appendingPathComponent("p.jsonl"))
      try writer.append(testRecord("a.jpg", index: 0))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }
}
