import Foundation
import ProposalIO

/// Joins the completed shards of a sharded run into one JSON Lines file and one `.npz`.
///
/// Shards are read in index order and each file line by line; each line is checked (a valid
/// ``/ProposalIO/ProposalRecord``, at most ``maximumLineLength`` bytes, an image that belongs
/// to the shard) and copied unchanged into the JSON Lines output (so merging never changes a
/// byte of a record), and its boxes, scores, image index and name are appended to raw arrays
/// on disk, which become the `.npz`: `boxes` float32 *N*×4 (x1, y1, x2, y2), `scores` float32
/// *N*, `image_ids` int64 *N* (an index into `images`) and `images` (a unicode array of the
/// image names, one per merged record, failed images included with no boxes).
///
/// Memory is independent of the number of images: one line at a time, the failed images'
/// messages, and a fixed-size buffer of name hashes for the check that no image appears twice
/// (an external sort, `DuplicateHashFinder`).
///
/// Only a complete run is merged unless `allowIncomplete`: when shards are absent, unfinished
/// (`.partial`) or short, or an image appears twice, ``merge(jsonl:npz:allowIncomplete:)``
/// throws ``ProposalRunsError/incompleteRun(directory:missing:duplicates:)`` and writes
/// nothing. The outputs are written to temporary files and renamed into place together at the
/// end (`DurableFile.commit(_:)`): a failure of any kind leaves both old files as they were.
///
///     let report = try ShardMerger(directory: out).merge(
///       jsonl: out.appendingPathComponent("proposals.jsonl"),
///       npz: out.appendingPathComponent("proposals.npz"))
///
/// - Parameters:
///   - directory: The run's output folder (with `run.json`).
///   - maximumLineLength: The longest line accepted, in bytes. Default:
///     ``/ProposalIO/ProposalFile/defaultMaximumLineLength`` (64 MiB).
/// - Complexity: O(size of the shard files), read once (twice when an image appears twice).
public struct ShardMerger: Sendable {
  /// The run's output folder (with `run.json`).
  public var directory: URL
  /// The longest shard line accepted, in bytes.
  public var maximumLineLength: Int

  public init(
    directory: URL, maximumLineLength: Int = ProposalFile.defaultMaximumLineLength
  ) {
    self.directory = directory
    self.maximumLineLength = maximumLineLength
  }

  /// A shard that is not (fully) in the merged output.
  public struct MissingShard: Sendable, Equatable, CustomStringConvertible {
    /// The shard.
    public var shard: Shard
    /// Images the shard owns, from `run.json`.
    public var expectedImages: Int
    /// Images written so far: in its `.partial` file, or in its completed file when that is short.
    public var writtenImages: Int
    /// Whether it is only a `.partial` file (still running, or killed: rerun it to resume).
    public var isPartial: Bool

    public var description: String {
      let file = isPartial ? shard.partialFileName : shard.fileName
      return writtenImages == 0 && isPartial == false
        ? "shard \(shard): \(shard.fileName) is missing (\(expectedImages) images)"
        : "shard \(shard): \(file) has \(writtenImages) of \(expectedImages) images"
          + (isPartial ? " (not finished; rerun the shard to resume it)" : "")
    }
  }

  /// What a merge found and wrote.
  public struct Report: Sendable {
    /// The run's settings, from `run.json`.
    public var fingerprint: RunFingerprint
    /// Records written to the outputs (failed images included).
    public var imageCount = 0
    /// Boxes written to the `.npz`.
    public var proposalCount = 0
    /// Failed images: `(image, error)`.
    public var failures: [(image: String, error: String)] = []
    /// Shards absent, unfinished or short (only with `allowIncomplete`).
    public var missingShards: [MissingShard] = []
    /// Images found in more than one line, sorted (only the first is kept; only with
    /// `allowIncomplete`).
    public var duplicates: [String] = []

    /// Whether every image of the run is in the outputs exactly once.
    public var isComplete: Bool {
      missingShards.isEmpty && duplicates.isEmpty && imageCount == fingerprint.imageCount
    }
  }

  /// Merges the completed shards.
  ///
  /// - Parameters:
  ///   - jsonl: The JSON Lines file to write.
  ///   - npz: The `.npz` file to write, or `nil` for none. Both are replaced together, or
  ///     neither is.
  ///   - allowIncomplete: Merge what is there when the run is not complete (the report lists
  ///     what is missing) instead of refusing. Default: `false`.
  /// - Returns: What was merged and, with `allowIncomplete`, what is missing.
  /// - Throws: ``ProposalRunsError/incompleteRun(directory:missing:duplicates:)`` for an
  ///   incomplete run (unless `allowIncomplete`); the errors of ``RunFingerprint/read(directory:)``;
  ///   ``/ProposalIO/ProposalIOError/malformedLine(file:line:reason:)`` or
  ///   ``/ProposalIO/ProposalIOError/lineTooLong(file:line:limit:)`` for a line of a completed
  ///   shard that is not a valid record of that shard; ``/ProposalIO/ProposalIOError/unwritable(file:reason:)``
  ///   when an output cannot be written. Nothing is replaced when it throws.
  public func merge(jsonl: URL, npz: URL?, allowIncomplete: Bool = false) throws -> Report {
    let fingerprint = try RunFingerprint.read(directory: directory)
    var report = Report(fingerprint: fingerprint)
    var present: [Shard] = []
    for index in 0..<fingerprint.shardCount {
      let shard = try Shard(index: index, count: fingerprint.shardCount)
      let expected = fingerprint.shardImageCounts[index]
      if FileManager.default.fileExists(
        atPath: directory.appendingPathComponent(shard.fileName).path)
      {
        present.append(shard)
        continue
      }
      let partial = directory.appendingPathComponent(shard.partialFileName)
      let isPartial = FileManager.default.fileExists(atPath: partial.path)
      let written = isPartial ? try Self.completeLineCount(partial) : 0
      if expected > 0 || isPartial {
        report.missingShards.append(
          MissingShard(
            shard: shard, expectedImages: expected, writtenImages: written, isPartial: isPartial))
      }
    }
    if !report.missingShards.isEmpty && !allowIncomplete {
      throw ProposalRunsError.incompleteRun(
        directory: directory.path, missing: report.missingShards, duplicates: [])
    }
    for folder in Set(
      [jsonl.deletingLastPathComponent()] + (npz.map { [$0.deletingLastPathComponent()] } ?? []))
    {
      TemporaryFile.removeStale(in: folder)
    }

    var pass = try MergePass(merger: self, jsonl: jsonl, npz: npz, findsDuplicates: true)
    var short: [MissingShard] = []
    for shard in present {
      let written = try pass.add(shard: shard, skipping: [])
      let expected = fingerprint.shardImageCounts[shard.index]
      if written != expected {
        short.append(
          MissingShard(
            shard: shard, expectedImages: expected, writtenImages: written, isPartial: false))
      }
    }
    let duplicates = try pass.duplicateNames(in: present)
    if (!short.isEmpty || !duplicates.isEmpty) && !allowIncomplete {
      throw ProposalRunsError.incompleteRun(
        directory: directory.path, missing: short, duplicates: duplicates)
    }
    report.missingShards += short
    report.missingShards.sort { $0.shard.index < $1.shard.index }
    report.duplicates = duplicates
    if !duplicates.isEmpty {
      // Rare: write again, keeping the first line of each repeated image.
      pass = try MergePass(merger: self, jsonl: jsonl, npz: npz, findsDuplicates: false)
      for shard in present { _ = try pass.add(shard: shard, skipping: Set(duplicates)) }
    }
    report.imageCount = pass.imageCount
    report.proposalCount = pass.proposalCount
    report.failures = pass.failures
    try DurableFile.commit(try pass.finish())
    return report
  }

  /// The number of newline-terminated lines of a `.partial` file.
  static func completeLineCount(_ url: URL) throws -> Int {
    var reader = try LineReader(url: url, skipsLongLines: true)
    defer { reader.close() }
    var count = 0
    while let line = try reader.next() {
      if line.isTerminated && line.length > 0 { count += 1 }
    }
    return count
  }
}
