import Foundation
import Imaging
import ProposalIO
import RegionKitTestSupport
import Testing

/// A folder dataset of `count` images about `width` pixels wide, of different sizes, plus one
/// truncated JPEG.
func shardingTestDataset(count: Int, width: Int = 60) throws -> URL {
  let directory = try Fixtures.temporaryDirectory("regionkit-shards")
  let images = directory.appendingPathComponent("images")
  try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
  let source = try Image(contentsOf: Fixtures.url("dataset/images/chelsea.png"))
  for index in 0..<count {
    try source.resized(width: width + index, height: width * 2 / 3 + index % 7)
      .write(to: images.appendingPathComponent(String(format: "img%03d.png", index)))
  }
  let jpeg = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
  try jpeg.prefix(jpeg.count / 2).write(to: images.appendingPathComponent("truncated.jpg"))
  return directory
}

/// The lines of a JSON Lines file with the run-dependent `"seconds"` value removed, sorted.
func linesWithoutTiming(_ url: URL) throws -> [String] {
  let text = try String(contentsOf: url, encoding: .utf8)
  let timing = try Regex(#""seconds":[-+0-9.eE]+,"#)
  return text.split(separator: "\n").map { String($0.replacing(timing, with: "")) }.sorted()
}

@Suite struct MergeCommandTests {
  @Test func threeShardProcessesPlusMergeEqualOneSingleRun() throws {
    let dataset = try shardingTestDataset(count: 14)
    let work = try Fixtures.temporaryDirectory()
    let single = work.appendingPathComponent("single.jsonl")
    let run = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "40", "--seed", "5",
      "--no-progress", "-o", single.path,
    ])
    #expect(run.exitCode == 0, "\(run.stderr)")

    let outdir = work.appendingPathComponent("sharded")
    let results = ResultBox()
    DispatchQueue.concurrentPerform(iterations: 3) { index in
      let result = Result {
        try runRegionKit([
          "propose", dataset.path, "--method", "sliding-window", "--top", "40", "--seed", "5",
          "--no-progress", "--jobs", "1",
          "--shard", "\(index)/3", "-o", outdir.path,
        ])
      }
      results.set(index, result)
    }
    for index in 0..<3 {
      let result = try #require(try results.get(index)?.get())
      #expect(result.exitCode == 0, "\(result.stderr)")
      #expect(
        FileManager.default.fileExists(
          atPath: outdir.appendingPathComponent(String(format: "shard-%05d-of-00003.jsonl", index))
            .path))
    }
    let merge = try runRegionKit(["merge", outdir.path])
    #expect(merge.exitCode == 0, "\(merge.stderr)")
    #expect(merge.stdout.contains("15 of 15 images from 3 shards"))
    #expect(merge.stderr.contains("error: truncated.jpg"))
    let merged = outdir.appendingPathComponent("proposals.jsonl")
    #expect(try linesWithoutTiming(merged) == linesWithoutTiming(single))

    let arrays = try NPZReader.read(contentsOf: outdir.appendingPathComponent("proposals.npz"))
    let records = try ProposalFile.read(contentsOf: single)
    let boxCount = records.map(\.proposals.count).reduce(0, +)
    #expect(arrays["boxes"]?.header.shape == [boxCount, 4])
    #expect(arrays["images"]?.header.shape == [15])
  }

  @Test func mergeRefusesMissingShardsWritingNothingUnlessAllowed() throws {
    let dataset = try shardingTestDataset(count: 8)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    for index in [0, 2] {
      let result = try runRegionKit([
        "propose", dataset.path, "--method", "sliding-window", "--top", "10", "--no-progress",
        "--shard", "\(index)/3", "-o", outdir.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
    }
    let all = outdir.appendingPathComponent("all.jsonl")
    let refused = try runRegionKit(["merge", outdir.path, "-o", all.path])
    #expect(refused.exitCode == 1)
    #expect(refused.stderr.contains("missing: shard 1/3"), "\(refused.stderr)")
    #expect(refused.stderr.contains("nothing was written"))
    #expect(!FileManager.default.fileExists(atPath: all.path))
    #expect(!FileManager.default.fileExists(atPath: outdir.appendingPathComponent("all.npz").path))

    let allowed = try runRegionKit(["merge", outdir.path, "-o", all.path, "--allow-incomplete"])
    #expect(allowed.exitCode == 1)
    #expect(allowed.stderr.contains("shard 1/3"))
    #expect(allowed.stdout.contains("incomplete"))
    #expect(FileManager.default.fileExists(atPath: outdir.appendingPathComponent("all.npz").path))
  }

  /// A merge done, then a shard made unfinished again (as a rerun in progress leaves it): the
  /// next merge refuses and the good outputs stay byte for byte.
  @Test func mergeOverGoodOutputWithAnUnfinishedRunKeepsTheGoodOutput() throws {
    let dataset = try shardingTestDataset(count: 6)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    for index in 0..<2 {
      let result = try runRegionKit([
        "propose", dataset.path, "--method", "sliding-window", "--top", "10", "--no-progress",
        "--shard", "\(index)/2", "-o", outdir.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
    }
    let first = try runRegionKit(["merge", outdir.path])
    #expect(first.exitCode == 0, "\(first.stderr)")
    let jsonl = outdir.appendingPathComponent("proposals.jsonl")
    let npz = outdir.appendingPathComponent("proposals.npz")
    let good = (try Data(contentsOf: jsonl), try Data(contentsOf: npz))

    let shard = outdir.appendingPathComponent("shard-00001-of-00002.jsonl")
    let lines = try String(contentsOf: shard, encoding: .utf8).split(separator: "\n")
    try Data((lines.dropLast().joined(separator: "\n") + "\n").utf8).write(
      to: outdir.appendingPathComponent("shard-00001-of-00002.jsonl.partial"))
    try FileManager.default.removeItem(at: shard)
    let second = try runRegionKit(["merge", outdir.path])
    #expect(second.exitCode == 1)
    #expect(second.stderr.contains("shard-00001-of-00002.jsonl.partial has \(lines.count - 1) of"))
    #expect(try Data(contentsOf: jsonl) == good.0)
    #expect(try Data(contentsOf: npz) == good.1)
  }

  @Test func anUnwritableNPZTargetLeavesTheJSONLinesOutputAsItWas() throws {
    let dataset = try shardingTestDataset(count: 4)
    let work = try Fixtures.temporaryDirectory()
    let outdir = work.appendingPathComponent("out")
    let propose = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "5", "--no-progress",
      "--shard", "0/1", "-o", outdir.path,
    ])
    #expect(propose.exitCode == 0, "\(propose.stderr)")
    let jsonl = work.appendingPathComponent("a.jsonl")
    try Data("the previous merge\n".utf8).write(to: jsonl)
    let plainFile = work.appendingPathComponent("plain.txt")
    try Data().write(to: plainFile)
    let folder = work.appendingPathComponent("folder.npz")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    for target in [plainFile.appendingPathComponent("b.npz"), folder] {
      let merge = try runRegionKit(["merge", outdir.path, "-o", jsonl.path, "--npz", target.path])
      #expect(merge.exitCode == 1, "\(merge.stdout)")
      #expect(merge.stderr.contains(target.path), "\(merge.stderr)")
      #expect(try String(contentsOf: jsonl, encoding: .utf8) == "the previous merge\n")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: work.path)
    #expect(!names.contains { $0.contains(".tmp-") }, "\(names)")
  }

  @Test func aStaleTemporaryFileOfAKilledMergeIsRemoved() throws {
    let dataset = try shardingTestDataset(count: 3)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    let propose = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "5", "--no-progress",
      "--shard", "0/1", "-o", outdir.path,
    ])
    #expect(propose.exitCode == 0, "\(propose.stderr)")
    let stale = outdir.appendingPathComponent(".proposals.npz.tmp-999999-deadbeef")
    try Data("PK half an archive".utf8).write(to: stale)
    let merge = try runRegionKit(["merge", outdir.path])
    #expect(merge.exitCode == 0, "\(merge.stderr)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: outdir.path).sorted() == [
        "proposals.jsonl", "proposals.npz", "run.json", "shard-00000-of-00001.jsonl",
      ])
  }

  /// One very long line in a shard: a typed error naming the line, at once, not a hang.
  @Test func aLineOverTheCapIsRefusedNamingFileAndLine() throws {
    let outdir = try fabricatedRun(count: 3, nameLength: 8)
    let shard = outdir.appendingPathComponent("shard-00000-of-00001.jsonl")
    var text = try String(contentsOf: shard, encoding: .utf8)
    text +=
      #"{"image":"long.jpg","boxes":["#
      + Array(repeating: "[0,0,1,1]", count: 150_000)
      .joined(separator: ",") + "]}\n"
    try Data(text.utf8).write(to: shard)
    let merge = try runRegionKit(["merge", outdir.path, "--max-line-length", "1"])
    #expect(merge.exitCode == 1)
    #expect(merge.stderr.contains("\(shard.path):4: the line is longer than 1048576 bytes"))
    #expect(
      !FileManager.default.fileExists(atPath: outdir.appendingPathComponent("proposals.jsonl").path)
    )
  }

  /// `merge` streams: ten times the images (with names of 4000 characters, 4 KB each, which
  /// a merge holding every name would keep) leave its peak memory where it was.
  @Test(.tags(.slow)) func mergeMemoryDoesNotGrowWithTheNumberOfImages() throws {
    var peaks: [Double] = []
    for count in [400, 4000] {
      let outdir = try fabricatedRun(count: count, nameLength: 4000)
      defer { try? FileManager.default.removeItem(at: outdir) }
      let merge = try runRegionKit(["merge", outdir.path, "--no-npz"])
      #expect(merge.exitCode == 0, "\(merge.stderr)")
      #expect(merge.stdout.contains("\(count) of \(count) images"))
      peaks.append(try TrainingMemoryTests.peakMemory(merge.stdout))
    }
    // Holding the 3600 extra names would add 14 MB at least.
    #expect(
      peaks[1] - peaks[0] < 7, "peak memory \(peaks[0]) MB for 400 images, \(peaks[1]) MB for 4000")
  }

  /// A one-shard run folder written directly: `count` images named with `nameLength`
  /// characters, one box each.
  func fabricatedRun(count: Int, nameLength: Int) throws -> URL {
    let outdir = try Fixtures.temporaryDirectory("fabricated-run")
    let runJSON = """
      {"toolVersion": "test", "method": "test", "parameters": "", "imageCount": \(count),
       "imageListHash": "0", "shardCount": 1, "shardImageCounts": [\(count)]}
      """
    try Data(runJSON.utf8).write(to: outdir.appendingPathComponent("run.json"))
    let shard = outdir.appendingPathComponent("shard-00000-of-00001.jsonl")
    try Data().write(to: shard)
    let handle = try FileHandle(forWritingTo: shard)
    defer { try? handle.close() }
    for index in 0..<count {
      let suffix = String(format: "%07d.jpg", index)
      let name = String(repeating: "n", count: max(0, nameLength - suffix.count)) + suffix
      try handle.write(
        contentsOf: Data(
          (#"{"image":"\#(name)","width":8,"height":8,"boxes":[[0,0,1,1]],"scores":[1]}"# + "\n")
            .utf8))
    }
    return outdir
  }

  /// Shards run with other --jobs (so other selective-search thread counts) belong together.
  @Test func shardsRunWithOtherJobsMergeIntoOneRun() throws {
    let dataset = try shardingTestDataset(count: 4, width: 40)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    for (index, jobs) in [(0, "1"), (1, "2")] {
      let result = try runRegionKit([
        "propose", dataset.path, "--method", "selective-search", "--top", "20", "--jobs", jobs,
        "--no-progress", "--shard", "\(index)/2", "-o", outdir.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
    }
    let merge = try runRegionKit(["merge", outdir.path])
    #expect(merge.exitCode == 0, "\(merge.stderr)")
    #expect(merge.stdout.contains("5 of 5 images from 2 shards"))
  }

  @Test func mergeNeedsARunFolder() throws {
    let result = try runRegionKit(["merge", try Fixtures.temporaryDirectory().path])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("run.json"))
  }
}

/// Results of concurrent runs, by index.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Int: Result<CommandResult, any Error>] = [:]
  func set(_ index: Int, _ result: Result<CommandResult, any Error>) {
    lock.withLock { results[index] = result }
  }
  func get(_ index: Int) throws -> Result<CommandResult, any Error>? {
    lock.withLock { results[index] }
  }
}
