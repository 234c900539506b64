import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

@Suite struct ProposeCommandTests {
  @Test func proposesForADatasetAndRecordsBadImagesWithoutStopping() throws {
    let directory = try Fixtures.temporaryDirectory()
    let images = directory.appendingPathComponent("images")
    try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: Fixtures.url("dataset/images/chelsea.png"), to: images.appendingPathComponent("a.png"))
    let jpeg = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    try jpeg.prefix(jpeg.count / 2).write(to: images.appendingPathComponent("b-truncated.jpg"))
    try FileManager.default.copyItem(
      at: Fixtures.url("dataset/images/coffee.png"), to: images.appendingPathComponent("c.png"))
    let output = directory.appendingPathComponent("p.jsonl")
    let drawn = directory.appendingPathComponent("drawn")

    let result = try runRegionKit([
      "propose", directory.path, "--method", "sliding-window", "--top", "50", "--seed", "3",
      "--jobs", "2", "-o", output.path,
      "--draw", drawn.path, "--no-progress",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("2 images, 100 proposals"))
    #expect(result.stderr.contains("b-truncated.jpg"))
    let records = try ProposalFile.read(contentsOf: output)
    #expect(records.map(\.image) == ["a.png", "b-truncated.jpg", "c.png"])
    #expect(records[1].error?.contains("truncated") == true)
    #expect(records[0].proposals.count == 50 && records[0].width == 451)
    #expect(FileManager.default.fileExists(atPath: drawn.appendingPathComponent("a.png").path))

    let strict = try runRegionKit([
      "propose", directory.path, "--method", "sliding-window", "--strict", "--no-progress", "-o",
      output.path,
    ])
    #expect(strict.exitCode == 1)
  }

  @Test func outputIsIdenticalForAnyNumberOfJobs() throws {
    let directory = try Fixtures.temporaryDirectory()
    var outputs: [String] = []
    for jobs in ["1", "2"] {
      let output = directory.appendingPathComponent("p\(jobs).jsonl")
      let result = try runRegionKit([
        "propose", Fixtures.url("dataset").path, "--method", "sliding-window", "--jobs", jobs,
        "--top", "30", "--no-progress", "-o", output.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
      // Drop the timing, which differs run to run.
      let records = try ProposalFile.read(contentsOf: output).map { record -> ProposalRecord in
        var copy = record
        copy.seconds = nil
        return copy
      }
      outputs.append(try records.map { try $0.jsonLine() }.joined(separator: "\n"))
    }
    #expect(outputs[0] == outputs[1])
  }

  @Test func runKilledWithSIGKILLResumesCompleteWithoutDuplicates() throws {
    let dataset = try shardingTestDataset(count: 24, width: 320)
    let work = try Fixtures.temporaryDirectory()
    let single = work.appendingPathComponent("single.jsonl")
    let reference = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "3000", "--no-progress", "-o",
      single.path,
    ])
    #expect(reference.exitCode == 0, "\(reference.stderr)")

    let outdir = work.appendingPathComponent("out")
    let arguments = [
      "propose", dataset.path, "--method", "sliding-window", "--top", "3000", "--jobs", "1",
      "--no-progress", "-o", outdir.path,
    ]
    let process = Process()
    process.executableURL = regionKitExecutable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let partial = outdir.appendingPathComponent("shard-00000-of-00001.jsonl.partial")
    let deadline = Date().addingTimeInterval(60)
    var written = 0
    while process.isRunning && Date() < deadline {
      written = (try? Data(contentsOf: partial))?.filter { $0 == UInt8(ascii: "\n") }.count ?? 0
      if written >= 3 { break }
      usleep(2000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
    #expect(written >= 3 && written < 25)
    // A torn line, as a kill in the middle of a write would leave.
    let handle = try FileHandle(forWritingTo: partial)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"boxes":[[1,2,3"#.utf8))
    try handle.close()

    let resumed = try runRegionKit(arguments)
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("cut a torn last line"))
    #expect(resumed.stdout.contains("images done by an earlier run"))
    let shard = outdir.appendingPathComponent("shard-00000-of-00001.jsonl")
    let records = try ProposalFile.read(contentsOf: shard)
    #expect(records.count == 25 && Set(records.map(\.image)).count == 25)
    #expect(try linesWithoutTiming(shard) == linesWithoutTiming(single))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: outdir.path).sorted() == [
        "run.json", "shard-00000-of-00001.jsonl",
      ])
  }

  @Test func shardedRunRecordsCorruptImagesAndRefusesOtherSettings() throws {
    let dataset = try shardingTestDataset(count: 3)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    let first = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "10", "--strict", "-o",
      outdir.path,
    ])
    #expect(first.exitCode == 1)
    #expect(first.stderr.contains("error: truncated.jpg"))
    #expect(first.stdout.contains("3 images, 30 proposals") && first.stdout.contains("1 failed"))
    // Resuming a complete shard does nothing and still reports the failure.
    let again = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "10", "-o", outdir.path,
    ])
    #expect(again.exitCode == 0)
    #expect(again.stderr.contains("error: truncated.jpg"))
    let other = try runRegionKit([
      "propose", dataset.path, "--method", "sliding-window", "--top", "11", "-o", outdir.path,
    ])
    #expect(other.exitCode != 0)
    #expect(other.stderr.contains("refusing to mix"))
  }

  /// A `.partial` shard with a garbage line in the middle: the valid records around it are
  /// kept byte for byte (their timings too: not recomputed), only the missing images are
  /// proposed, and the dropped line is reported.
  @Test func aGarbageLineInAPartialShardCostsOnlyItsOwnImage() throws {
    let dataset = try shardingTestDataset(count: 6)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    let arguments = [
      "propose", dataset.path, "--method", "sliding-window", "--top", "10", "--no-progress",
      "--shard", "0/1", "-o", outdir.path,
    ]
    let first = try runRegionKit(arguments)
    #expect(first.exitCode == 0, "\(first.stderr)")
    let shard = outdir.appendingPathComponent("shard-00000-of-00001.jsonl")
    let lines = try String(contentsOf: shard, encoding: .utf8).split(separator: "\n").map(
      String.init)
    #expect(lines.count == 7)
    // Lines 0, 2, 3, 5 survive; line 1 becomes garbage, lines 4 and 6 are never written.
    let damaged = [lines[0], "{\"image\": \u{0}garbage", lines[2], lines[3], lines[5]]
    try Data((damaged.joined(separator: "\n") + "\n").utf8).write(
      to: outdir.appendingPathComponent("shard-00000-of-00001.jsonl.partial"))
    try FileManager.default.removeItem(at: shard)

    let resumed = try runRegionKit(arguments)
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("dropped 1 bad line"), "\(resumed.stderr)")
    #expect(resumed.stderr.contains("line 2:"))
    #expect(resumed.stdout.contains("(4 images done by an earlier run"), "\(resumed.stdout)")
    let after = try String(contentsOf: shard, encoding: .utf8).split(separator: "\n").map(
      String.init)
    #expect(Array(after.prefix(4)) == [lines[0], lines[2], lines[3], lines[5]])
    #expect(after.count == 7 && Set(after).count == 7)
    let records = try ProposalFile.read(contentsOf: shard)
    #expect(Set(records.map(\.image)).count == 7)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: outdir.path).sorted() == [
        "run.json", "shard-00000-of-00001.jsonl",
      ])
  }

  @Test func staleTemporaryFilesOfKilledRunsAreRemoved() throws {
    let dataset = try shardingTestDataset(count: 2)
    let work = try Fixtures.temporaryDirectory()
    let outdir = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: outdir, withIntermediateDirectories: true)
    try Data("{".utf8).write(to: outdir.appendingPathComponent(".run.json.tmp-999999-0000aaaa"))
    try Data("{".utf8).write(to: work.appendingPathComponent(".p.jsonl.tmp-999999-0000bbbb"))
    for output in [outdir, work.appendingPathComponent("p.jsonl")] {
      let result = try runRegionKit([
        "propose", dataset.path, "--method", "sliding-window", "--top", "5", "--no-progress",
        "-o", output.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
    }
    for folder in [work, outdir] {
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      #expect(!names.contains { $0.contains(".tmp-") }, "\(names)")
    }
  }

  /// Two images with one name cannot share a sharded run (records and resume are keyed by
  /// name): refused before any work, by the dataset reader or by the run's fingerprint
  /// (`RunFingerprintTests` checks the latter on its own).
  @Test func aShardedRunRefusesImagesWithTheSameName() throws {
    let dataset = try shardingTestDataset(count: 2)
    let annotations = dataset.appendingPathComponent("annotations.json")
    try Data(
      """
      {"images": [{"id": 1, "file_name": "img000.png", "width": 60, "height": 40},
                  {"id": 2, "file_name": "img001.png", "width": 61, "height": 41},
                  {"id": 3, "file_name": "img000.png", "width": 60, "height": 40}],
       "annotations": [], "categories": [{"id": 1, "name": "thing"}]}
      """.utf8
    ).write(to: annotations)
    let outdir = dataset.appendingPathComponent("out")
    let result = try runRegionKit([
      "propose", annotations.path, "--method", "sliding-window", "--no-progress", "--shard", "0/2",
      "-o", outdir.path,
    ])
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("img000.png"), "\(result.stderr)")
    let written = (try? FileManager.default.contentsOfDirectory(atPath: outdir.path)) ?? []
    #expect(!written.contains { $0.hasPrefix("shard-") }, "\(written)")
  }

  @Test func shardCountsOutOfRangeAreUsageErrors() throws {
    for arguments in [
      ["--shard-count", "100001"], ["--shard-count", "0"], ["--shard", "0/100001"],
    ] {
      let failure = try #require(usageFailure(["propose", "in.png", "-o", "out"] + arguments))
      #expect(failure.exitCode == 64, "\(arguments)")
      #expect(failure.message.contains("1...100000"), "\(failure.message)")
    }
  }

  @Test func readsTheShardFromSchedulerVariables() throws {
    let dataset = try shardingTestDataset(count: 4)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("out")
    let slurm = try runRegionKit(
      [
        "propose", dataset.path, "--method", "sliding-window", "--top", "5", "--no-progress", "-o",
        outdir.path,
      ],
      environment: [
        "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "1",
      ])
    #expect(slurm.exitCode == 0, "\(slurm.stderr)")
    #expect(
      FileManager.default.fileExists(
        atPath: outdir.appendingPathComponent("shard-00001-of-00002.jsonl").path))
    let kubernetes = try runRegionKit(
      [
        "propose", dataset.path, "--method", "sliding-window", "--top", "5", "--no-progress",
        "--shard-count", "2", "-o", outdir.path,
      ],
      environment: ["JOB_COMPLETION_INDEX": "0"])
    #expect(kubernetes.exitCode == 0, "\(kubernetes.stderr)")
    #expect(
      FileManager.default.fileExists(
        atPath: outdir.appendingPathComponent("shard-00000-of-00002.jsonl").path))
    let noCount = try runRegionKit(
      ["propose", dataset.path, "--method", "sliding-window", "--no-progress", "-o", outdir.path],
      environment: ["JOB_COMPLETION_INDEX": "0"])
    #expect(noCount.exitCode != 0)
    #expect(noCount.stderr.contains("--shard-count"))
  }

  @Test func acceptsAFileList() throws {
    let dataset = try shardingTestDataset(count: 2)
    let list = dataset.appendingPathComponent("list.txt")
    try Data("images/img001.png\n# a comment\nimages/img000.png\n".utf8).write(to: list)
    let output = dataset.appendingPathComponent("p.jsonl")
    let result = try runRegionKit([
      "propose", list.path, "--method", "sliding-window", "--top", "5", "--no-progress", "-o",
      output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      try ProposalFile.read(contentsOf: output).map(\.image) == [
        "images/img001.png", "images/img000.png",
      ])
  }
}

@Suite struct ProposeDefaultMethodTests {
  @Test func selectiveSearchIsTheDefaultMethod() throws {
    let output = try Fixtures.temporaryDirectory().appendingPathComponent("p.jsonl")
    let result = try runRegionKit([
      "propose", Fixtures.url("dataset/images/chelsea.png").path, "--max-side", "200", "-o",
      output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let records = try ProposalFile.read(contentsOf: output)
    #expect(records.count == 1 && !records[0].proposals.isEmpty)
    #expect(records[0].proposals.allSatisfy { $0.provenance.method == "selective-search" })
  }
}
