import ArgumentParser
import Foundation
import ProposalRuns

/// `regionkit merge`: joins the shards of a sharded `propose` run.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Join the shards of a sharded propose run into one JSON Lines file and one .npz.",
    discussion: """
      OUTDIR is the folder given to `regionkit propose -o OUTDIR`. Completed shards \
      (shard-00003-of-00008.jsonl) are joined, in shard order, into OUTDIR/proposals.jsonl \
      (each line copied unchanged) and OUTDIR/proposals.npz (boxes float32 Nx4, scores float32 N, \
      image_ids int64 N indexing images, a unicode array of image names). Shards that are \
      missing or unfinished (.partial), and images found twice, are listed on standard error \
      and the exit status is 1; the files are still written with what was complete.
      """)

  @Argument(help: "The output folder of a sharded propose run (with run.json).")
  var outdir: String

  @Option(
    name: .shortAndLong, help: "The JSON Lines file to write. Default: OUTDIR/proposals.jsonl.")
  var output: String?

  @Option(help: "The .npz file to write. Default: the JSON Lines path with .npz.")
  var npz: String?

  @Flag(help: "Write no .npz.")
  var noNpz = false

  func run() throws {
    let directory = URL(fileURLWithPath: outdir)
    guard
      FileManager.default.fileExists(
        atPath: directory.appendingPathComponent(RunFingerprint.fileName).path)
    else {
      throw ValidationError(
        "\(outdir): no \(RunFingerprint.fileName); is it the -o folder of a sharded propose run?")
    }
    let jsonl =
      output.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent("proposals.jsonl")
    let npzURL =
      noNpz
      ? nil
      : (npz.map { URL(fileURLWithPath: $0) }
        ?? jsonl.deletingPathExtension().appendingPathExtension("npz"))
    let report = try ShardMerger(directory: directory).merge(jsonl: jsonl, npz: npzURL)
    let fingerprint = report.fingerprint
    for missing in report.missingShards {
      FileHandle.standardError.write(Data("missing: \(missing)\n".utf8))
    }
    for image in report.duplicates {
      FileHandle.standardError.write(Data("duplicate: \(image) (first kept)\n".utf8))
    }
    for failure in report.failures {
      FileHandle.standardError.write(Data("error: \(failure.image): \(failure.error)\n".utf8))
    }
    print(
      "\(jsonl.path): \(report.imageCount) of \(fingerprint.imageCount) images from \(fingerprint.shardCount) shards, "
        + "\(report.proposalCount) proposals (\(fingerprint.method))"
        + (report.failures.isEmpty ? "" : ", \(report.failures.count) failed")
        + (npzURL.map { "; \($0.path)" } ?? ""))
    if !report.isComplete {
      print(
        "incomplete: \(fingerprint.imageCount - report.imageCount) images missing (see standard error)"
      )
      throw ExitCode(1)
    }
  }
}
