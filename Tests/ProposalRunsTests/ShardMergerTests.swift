import Foundation
import ProposalIO
import ProposalRuns
import Proposals
import RegionKitTestSupport
import Testing

@Suite struct ShardMergerTests {
  let names = (0..<12).map { "im\($0).jpg" }

  /// Writes a 3-shard run of synthetic records; `skip` shards are left unfinished or absent.
  func writeRun(in directory: URL, unfinished: Int? = nil, absent: Int? = nil) throws
    -> [ProposalRecord]
  {
    try RunFingerprint(
      generator: SlidingWindow(), maxSide: nil, toolVersion: "test", imageNames: names,
      shardCount: 3
    ).claim(directory: directory)
    var all: [ProposalRecord] = []
    for index in 0..<3 where index != absent {
      let shard = try Shard(index: index, count: 3)
      let writer = try ShardWriter(directory: directory, shard: shard)
      for (position, name) in names.enumerated() where shard.contains(name) {
        let record =
          position == 4
          ? testRecord(name, index: position, error: "cannot decode")
          : testRecord(name, index: position, count: position % 3 + 1)
        try writer.append(record)
        all.append(record)
      }
      if index != unfinished { try writer.finish() }
    }
    return all
  }

  @Test func joinsShardsIntoJSONLinesAndNPZ() throws {
    let directory = try Fixtures.temporaryDirectory()
    let records = try writeRun(in: directory)
    let jsonl = directory.appendingPathComponent("proposals.jsonl")
    let npz = directory.appendingPathComponent("proposals.npz")
    let report = try ShardMerger(directory: directory).merge(jsonl: jsonl, npz: npz)
    #expect(report.isComplete)
    #expect(report.imageCount == 12)
    #expect(report.failures.map(\.image) == ["im4.jpg"])
    let merged = try ProposalFile.read(contentsOf: jsonl)
    #expect(merged == records)
    #expect(Set(merged.map(\.image)) == Set(names))

    let arrays = try NPZReader.read(contentsOf: npz)
    #expect(Set(arrays.keys) == ["boxes", "scores", "image_ids", "images"])
    let boxCount = merged.map(\.proposals.count).reduce(0, +)
    #expect(report.proposalCount == boxCount)
    let boxes = try #require(arrays["boxes"])
    #expect(boxes.header == NPYHeader(descr: "<f4", shape: [boxCount, 4]))
    let floats = boxes.data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
      .map { Float(bitPattern: UInt32(littleEndian: $0)) }
    #expect(floats == merged.flatMap { $0.proposals.flatMap(\.box.corners) })
    let ids = try #require(arrays["image_ids"])
    #expect(ids.header == NPYHeader(descr: "<i8", shape: [boxCount]))
    let idValues = ids.data.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }.map(
      Int64.init(littleEndian:))
    #expect(
      idValues
        == merged.enumerated().flatMap { index, record in record.proposals.map { _ in Int64(index) }
        })
    let images = try #require(arrays["images"])
    let width = merged.map(\.image.count).max() ?? 1
    #expect(images.header == NPYHeader(descr: "<U\(width)", shape: [12]))
    let firstName = images.data.prefix(width * 4).withUnsafeBytes {
      Array($0.bindMemory(to: UInt32.self))
    }
    .filter { $0 != 0 }.compactMap { Unicode.Scalar(UInt32(littleEndian: $0)) }
    #expect(String(String.UnicodeScalarView(firstName)) == merged[0].image)
    let scores = try #require(arrays["scores"])
    #expect(scores.header.shape == [boxCount])
  }

  @Test func mergingTwiceGivesTheSameBytes() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory)
    var outputs: [Data] = []
    for round in 0..<2 {
      let npz = directory.appendingPathComponent("p\(round).npz")
      _ = try ShardMerger(directory: directory).merge(
        jsonl: directory.appendingPathComponent("p\(round).jsonl"), npz: npz)
      outputs.append(try Data(contentsOf: npz))
    }
    #expect(outputs[0] == outputs[1])
  }

  @Test func anIncompleteRunIsRefusedAndReplacesNothing() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory, unfinished: 0, absent: 2)
    let jsonl = directory.appendingPathComponent("p.jsonl")
    let npz = directory.appendingPathComponent("p.npz")
    try Data("good old lines\n".utf8).write(to: jsonl)
    try Data("good old arrays".utf8).write(to: npz)
    let fingerprint = try RunFingerprint.read(directory: directory)
    let error = #expect(throws: ProposalRunsError.self) {
      _ = try ShardMerger(directory: directory).merge(jsonl: jsonl, npz: npz)
    }
    guard case .incompleteRun(let folder, let missing, let duplicates)? = error else {
      Issue.record("expected incompleteRun, got \(String(describing: error))")
      return
    }
    #expect(folder == directory.path && duplicates.isEmpty)
    #expect(missing.map(\.shard.index) == [0, 2])
    #expect(missing[0].isPartial && missing[0].writtenImages == fingerprint.shardImageCounts[0])
    #expect(missing[1].writtenImages == 0 && !missing[1].isPartial)
    #expect(missing[1].description.contains("missing"))
    #expect(try String(contentsOf: jsonl, encoding: .utf8) == "good old lines\n")
    #expect(try String(contentsOf: npz, encoding: .utf8) == "good old arrays")
    #expect(!(try leftoverTemporaryFiles(directory)))
  }

  @Test func allowIncompleteMergesWhatIsThere() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory, unfinished: 0, absent: 2)
    let fingerprint = try RunFingerprint.read(directory: directory)
    let report = try ShardMerger(directory: directory).merge(
      jsonl: directory.appendingPathComponent("p.jsonl"), npz: nil, allowIncomplete: true)
    #expect(!report.isComplete)
    #expect(report.missingShards.map(\.shard.index) == [0, 2])
    #expect(report.imageCount == fingerprint.shardImageCounts[1])
  }

  /// The npz cannot be written: the JSON Lines output keeps its old contents too.
  @Test func aFailingNPZLeavesTheJSONLinesFileAsItWas() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory)
    let jsonl = directory.appendingPathComponent("p.jsonl")
    try Data("good old lines\n".utf8).write(to: jsonl)
    let blocked = directory.appendingPathComponent("p.npz")
    try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
    let notAFolder = directory.appendingPathComponent("file.txt")
    try Data().write(to: notAFolder)
    for npz in [blocked, notAFolder.appendingPathComponent("p.npz")] {
      #expect(throws: ProposalIOError.self, "\(npz.path)") {
        _ = try ShardMerger(directory: directory).merge(jsonl: jsonl, npz: npz)
      }
      #expect(try String(contentsOf: jsonl, encoding: .utf8) == "good old lines\n")
    }
    #expect(!(try leftoverTemporaryFiles(directory)))
  }

  @Test func anImageTwiceIsFoundAndOnlyItsFirstLineKeptWhenAllowed() throws {
    let directory = try Fixtures.temporaryDirectory()
    let records = try writeRun(in: directory)
    // Repeat a record inside its own shard's completed file.
    let repeated = records[3]
    let shard = try Shard(index: Shard.index(of: repeated.image, count: 3), count: 3)
    let file = directory.appendingPathComponent(shard.fileName)
    let handle = try FileHandle(forWritingTo: file)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((try repeated.jsonLine() + "\n").utf8))
    try handle.close()
    let jsonl = directory.appendingPathComponent("p.jsonl")
    #expect(throws: ProposalRunsError.self) {
      _ = try ShardMerger(directory: directory).merge(jsonl: jsonl, npz: nil)
    }
    #expect(!FileManager.default.fileExists(atPath: jsonl.path))
    let npz = directory.appendingPathComponent("p.npz")
    let report = try ShardMerger(directory: directory).merge(
      jsonl: jsonl, npz: npz, allowIncomplete: true)
    #expect(report.duplicates == [repeated.image])
    #expect(report.imageCount == 12)
    let merged = try ProposalFile.read(contentsOf: jsonl)
    #expect(merged.filter { $0.image == repeated.image }.count == 1)
    #expect(try ProposalArrays.read(contentsOf: npz).count == 12)
  }

  @Test func aLineThatIsNotARecordOfItsShardIsATypedErrorNamingFileAndLine() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory)
    let file = directory.appendingPathComponent(try Shard(index: 1, count: 3).fileName)
    let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
    let stranger = names.first { Shard.index(of: $0, count: 3) != 1 } ?? ""
    let cases = [
      (#"{"image": "x.jpg", "boxes": [[4,0,1,1]]}"#, "x1 <= x2"),
      (try testRecord(stranger, index: 0).jsonLine(), "belongs to shard"),
      (String(repeating: " ", count: 2000) + "{}", "longer than 1000 bytes"),
    ]
    for (bad, expected) in cases {
      try Data(
        ([String(lines[0]), bad] + lines.dropFirst().map(String.init)).joined(
          separator: "\n"
        ).utf8
      ).write(to: file)
      let error = #expect(throws: ProposalIOError.self) {
        _ = try ShardMerger(directory: directory, maximumLineLength: 1000).merge(
          jsonl: directory.appendingPathComponent("p.jsonl"), npz: nil)
      }
      #expect(
        error?.description.contains("\(file.path):2:") == true, "\(String(describing: error))")
      #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }
  }

  @Test func countsInRunJSONThatDisagreeAreATypedError() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory)
    let url = directory.appendingPathComponent("run.json")
    let text = try String(contentsOf: url, encoding: .utf8)
    try Data(text.replacingOccurrences(of: "\"shardCount\" : 3", with: "\"shardCount\" : 4").utf8)
      .write(to: url)
    #expect(throws: ProposalRunsError.self) {
      _ = try ShardMerger(directory: directory).merge(
        jsonl: directory.appendingPathComponent("p.jsonl"), npz: nil)
    }
  }

  @Test func removesStaleTemporaryFilesOfKilledMerges() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory)
    let stale = directory.appendingPathComponent(".p.npz.tmp-999999-0000beef")
    try Data("PK".utf8).write(to: stale)
    _ = try ShardMerger(directory: directory).merge(
      jsonl: directory.appendingPathComponent("p.jsonl"),
      npz: directory.appendingPathComponent("p.npz"))
    #expect(!FileManager.default.fileExists(atPath: stale.path))
    #expect(!(try leftoverTemporaryFiles(directory)))
  }

  /// Whether the folder holds any temporary file.
  func leftoverTemporaryFiles(_ directory: URL) throws -> Bool {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).contains {
      $0.contains(".tmp-")
    }
  }
}
