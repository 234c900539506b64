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
    let records = (0..<5).map { testRecord("img\($0).jpg", index: $0) }
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
    try first.append(testRecord("a.jpg", index: 0))
    try first.append(testRecord("b.jpg", index: 1, error: "truncated JPEG"))
    // A kill in the middle of writing the third line leaves half of it.
    let torn = Data(try testRecord("c.jpg", index: 2).jsonLine().utf8.prefix(25))
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
    try resumed.append(testRecord("c.jpg", index: 2))
    try resumed.finish()
    let lines = try ProposalFile.read(contentsOf: resumed.url)
    #expect(lines.map(\.image) == ["a.jpg", "b.jpg", "c.jpg"])
    #expect(lines[2] == testRecord("c.jpg", index: 2))
  }

  @Test func keepsTheValidRecordsAroundBadLinesAndDropsOnlyThose() throws {
    let directory = try Fixtures.temporaryDirectory()
    let partial = directory.appendingPathComponent(shard.partialFileName)
    let line = { (name: String, index: Int) in try testRecord(name, index: index).jsonLine() }
    // Zero bytes are what a file system may leave after a power loss before fsync; an
    // inverted box, a repeated image and a line over the cap are as bad.
    let inverted = try line("d.jpg", 3).replacingOccurrences(
      of: "[0,3,10,8.5]", with: "[10,3,0,8.5]")
    #expect(inverted != (try line("d.jpg", 3)))
    let lines = [
      try line("a.jpg", 0), String(repeating: "\0", count: 40), try line("b.jpg", 1),
      #"{"image": "c.jpg", "boxes": [[1,2"#, inverted, try line("a.jpg", 0),
      String(repeating: "x", count: 3000), try line("e.jpg", 4),
    ]
    try Data((lines.joined(separator: "\n") + "\n" + #"{"image":"f.j"#).utf8).write(to: partial)
    let writer = try ShardWriter(directory: directory, shard: shard, maximumLineLength: 2000)
    #expect(writer.completedImages == ["a.jpg", "b.jpg", "e.jpg"])
    #expect(writer.droppedLines.map(\.line) == [2, 4, 5, 6, 7])
    #expect(writer.droppedLines[2].reason.contains("x1 <= x2"), "\(writer.droppedLines[2])")
    #expect(writer.droppedLines[3].reason.contains("a.jpg is already on line 1"))
    #expect(writer.droppedLines[4].reason.contains("longer than 2000 bytes"))
    #expect(writer.truncatedBytes == 13)
    let kept = [lines[0], lines[2], lines[7]].map { $0 + "\n" }.joined()
    #expect(try Data(contentsOf: partial) == Data(kept.utf8))
    // The repaired file is the writer's, locked, and the appends go after the kept lines.
    #expect { try ShardWriter(directory: directory, shard: shard) } throws: {
      "\($0)".contains("another process is writing this shard")
    }
    for (index, name) in ["c.jpg", "d.jpg", "f.jpg"].enumerated() {
      try writer.append(testRecord(name, index: 10 + index))
    }
    try writer.finish()
    let records = try ProposalFile.read(contentsOf: writer.url)
    #expect(records.map(\.image) == ["a.jpg", "b.jpg", "e.jpg", "c.jpg", "d.jpg", "f.jpg"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [shard.fileName])
  }

  @Test func appendingAnImageTwiceOrAfterFinishingIsATypedError() throws {
    let directory = try Fixtures.temporaryDirectory()
    let writer = try ShardWriter(directory: directory, shard: shard)
    try writer.append(testRecord("a.jpg", index: 0))
    #expect(throws: ProposalRunsError.duplicateImageNames(names: ["a.jpg"])) {
      try writer.append(testRecord("a.jpg", index: 1))
    }
    try writer.finish()
    #expect(throws: ProposalIOError.self) { try writer.append(testRecord("b.jpg", index: 1)) }
    #expect(try ProposalFile.read(contentsOf: writer.url).count == 1)
  }

  @Test func aSecondWriterOnTheSameShardIsRefused() throws {
    let directory = try Fixtures.temporaryDirectory()
    let first = try ShardWriter(directory: directory, shard: shard)
    #expect { try ShardWriter(directory: directory, shard: shard) } throws: {
      "\($0)".contains("another process is writing this shard")
    }
    try first.append(testRecord("a.jpg", index: 0))
    try first.finish()
    #expect(try ShardWriter(directory: directory, shard: shard).isComplete)
  }
}
