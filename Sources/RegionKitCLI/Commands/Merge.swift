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
      image_ids int64 N indexing images, a unicode array of image names). Every line is checked \
      (a valid record of its shard, at most --max-line-length MiB long); memory does not grow with \
      the number of images.
      When shards are missing or unfinished (.partial), or an image is found twice, nothing is \
      written: what is missing is listed and the exit status is 1 (--allow-incomplete writes \
      what is there, still with exit status 1). Both files are written under temporary names \
      and renamed together once both are complete, so a failure leaves the previous files as \
      they were.
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

  @Flag(
    help:
      "Write the files even when shards are missing or unfinished or images repeat (the first line of each is kept); the exit status is still 1."
  )
  var allowIncomplete = false

  @Option(help: "The longest line of a shard accepted, in MiB.")
  var maxLineLength = 64

  func validate() throws {
    guard (1...4096).contains(maxLineLength) else {
      throw ValidationError("--max-line-length must be in 1...4096 MiB, got \(maxLineLength)")
    }
    if noNpz && npz != nil { throw ValidationError("give either --npz or --no-npz, not both") }
  }

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
    if let npzURL, npzURL.standardizedFileURL == jsonl.standardizedFileURL {
      throw CommandError("--npz \(npzURL.path) is the JSON Lines output too; give another path")
    }
    let merger = ShardMerger(directory: directory, maximumLineLength: maxLineLength << 20)
    let report: ShardMerger.Report
    do {
      report = try merger.merge(jsonl: jsonl, npz: npzURL, allowIncomplete: allowIncomplete)
    } catch ProposalRunsError.incompleteRun(_, let missing, let duplicates) {
      for shard in missing {
        FileHandle.standardError.write(Data("missing: \(shard)\n".utf8))
      }
      for image in duplicates {
        FileHandle.standardError.write(Data("duplicate: \(image)\n".utf8))
      }
      throw CommandError(
        "\(outdir): the run is not complete; nothing was written (rerun the missing shards, or "
          + "give --allow-incomplete to merge what is there)")
    }
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
        + (npzURL.map { "; \($0.path)" } ?? "")
        + String(format: " (peak memory %.0f MB)", peakResidentMemoryMB()))
    if !report.isComplete {
      print(
        "incomplete: \(fingerprint.imageCount - report.imageCount) images missing (see standard error)"
      )
      throw ExitCode(1)
    }
  }
}
