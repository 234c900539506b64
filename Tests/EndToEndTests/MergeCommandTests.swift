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

  @Test func mergeListsMissingShardsAndExitsNonZero() throws {
    let dataset = try shardingTestDataset(count: 8)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    for index in [0, 2] {
      let result = try runRegionKit([
        "propose", dataset.path, "--method", "sliding-window", "--top", "10", "--no-progress",
        "--shard", "\(index)/3", "-o", outdir.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
    }
    let merge = try runRegionKit([
      "merge", outdir.path, "-o", outdir.appendingPathComponent("all.jsonl").path,
    ])
    #expect(merge.exitCode == 1)
    #expect(merge.stderr.contains("shard 1/3"))
    #expect(merge.stdout.contains("incomplete"))
    #expect(FileManager.default.fileExists(atPath: outdir.appendingPathComponent("all.npz").path))
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
