import Foundation
import ProposalIO
import ProposalRuns
import RegionKitTestSupport
import Testing

@Suite struct ShardWriterTests {
  let shard = try! Shard(index: 1, count: 3)

  @Test func appendsLinesAndRenamesTheCompletedShard() throws {
    let directory = try Fixtures.temporaryDirectory()
    let writer = try ShardWriter(directory: directory, shard: shard, syncInterval: 2)
    #expect(writer.completedImages.isEmpty && !writer.isComplete)
    let records = (0..<5).map { shardTestRecord("img\($0).jpg", index: $0) }
    for record in records { try writer.append(record) }
    #expect(FileManager.default.fileExists(atPath: writer.partialURL.path))
    #expect(!FileManager.default.fileExists(atPath: writer.url.path))
    #expect(try ProposalFile.read(contentsOf: writer.partialURL) == records)
    try writer.finish()
    #expect(!FileManager.default.fileExists(atPath: writer.partialURL.path))
    #expect(try ProposalFile.read(contentsOf: writer.url) == records)

    let reopened = try ShardWriter(directory: directory, shard: shard)
    #expect(reopened.isComplete)
    #expect(reopened.completedImages == Set(records.map(\.image)))
  }

  @Test func resumesAfterAKillAndCutsATornLastLine() throws {
    let directory = try Fixtures.temporaryDirectory()
    let first = try ShardWriter(directory: directory, shard: shard)
    try first.append(shardTestRecord("a.jpg", index: 0))
    try first.append(shardTestRecord("b.jpg", index: 1, error: "truncated JPEG"))
    // A kill in the middle of writing the third line leaves half of it.
    let torn = Data(try shardTestRecord("c.jpg", index: 2).jsonLine().utf8.prefix(25))
    let handle = try FileHandle(forWritingTo: first.partialURL)
    try handle.seekToEnd()
    try handle.write(contentsOf: torn)
    try handle.close()
    try first.close()

    let resumed = try ShardWriter(directory: directory, shard: shard)
    #expect(resumed.completedImages == ["a.jpg", "b.jpg"])
    #expect(resumed.truncatedBytes == 25)
    #expect(resumed.resumedFailures.map(\.image) == ["b.jpg"])
    #expect(resumed.resumedFailures.map(\.error) == ["truncated JPEG"])
    try resumed.append(shardTestRecord("c.jpg", index: 2))
    try resumed.finish()
    let lines = try ProposalFile.read(contentsOf: resumed.url)
    #expect(lines.map(\.image) == ["a.jpg", "b.jpg", "c.jpg"])
    #expect(lines[2] == shardTestRecord("c.jpg", index: 2))
  }

  @Test func cutsEverythingFromTheFirstLineThatIsNotARecord() throws {
    let directory = try Fixtures.temporaryDirectory()
    let partial = directory.appendingPathComponent(shard.partialFileName)
    let good = try shardTestRecord("a.jpg", index: 0).jsonLine()
    // Zero bytes are what a file system may leave after a power loss before fsync.
    let text = good + "\n" + String(repeating: "\0", count: 40) + "\n" + good + "\n"
    try Data(text.utf8).write(to: partial)
    let writer = try ShardWriter(directory: directory, shard: shard)
    #expect(writer.completedImages == ["a.jpg"])
    #expect(writer.truncatedBytes == text.utf8.count - good.utf8.count - 1)
    #expect(try Data(contentsOf: partial) == Data((good + "\n").utf8))
  }

  @Test func aSecondWriterOnTheSameShardIsRefused() throws {
    let directory = try Fixtures.temporaryDirectory()
    let first = try ShardWriter(directory: directory, shard: shard)
    #expect { try ShardWriter(directory: directory, shard: shard) } throws: {
      "\($0)".contains("another process is writing this shard")
    }
    try first.append(shardTestRecord("a.jpg", index: 0))
    try first.finish()
    #expect(try ShardWriter(directory: directory, shard: shard).isComplete)
  }
}
