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
          ? shardTestRecord(name, index: position, error: "cannot decode")
          : shardTestRecord(name, index: position, count: position % 3 + 1)
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

  @Test func reportsUnfinishedAndAbsentShards() throws {
    let directory = try Fixtures.temporaryDirectory()
    _ = try writeRun(in: directory, unfinished: 0, absent: 2)
    let fingerprint = try RunFingerprint.read(directory: directory)
    let report = try ShardMerger(directory: directory).merge(
      jsonl: directory.appendingPathComponent("p.jsonl"), npz: nil)
    #expect(!report.isComplete)
    #expect(report.missingShards.map(\.shard.index) == [0, 2])
    #expect(report.missingShards[0].isPartial)
    #expect(report.missingShards[0].writtenImages == fingerprint.shardImageCounts[0])
    #expect(report.missingShards[1].writtenImages == 0 && !report.missingShards[1].isPartial)
    #expect(report.imageCount == fingerprint.shardImageCounts[1])
    #expect(report.missingShards[1].description.contains("missing"))
  }
}
