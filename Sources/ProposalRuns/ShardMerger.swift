import Foundation
import ProposalIO

/// Joins the completed shards of a sharded run into one JSON Lines file and one `.npz`.
///
/// Shards are read in index order and each file line by line; each line is copied unchanged
/// into the JSON Lines output (so merging never changes a byte of a record) and its boxes,
/// scores and image index are appended to raw arrays on disk, which become the `.npz`:
/// `boxes` float32 *N*×4 (x1, y1, x2, y2), `scores` float32 *N*, `image_ids` int64 *N* (an index
/// into `images`) and `images` (a unicode array of the image names, one per merged record,
/// failed images included with no boxes). Memory holds one line at a time plus the image
/// names. Only completed shards (``Shard/fileName``) are merged; shards still running or
/// killed (`.partial`) and absent shards are listed in the report, as are images that appear
/// twice (the first is kept).
///
///     let report = try ShardMerger(directory: out).merge(
///       jsonl: out.appendingPathComponent("proposals.jsonl"),
///       npz: out.appendingPathComponent("proposals.npz"))
///     if !report.isComplete { print(report.missingShards) }
///
/// - Parameter directory: The run's output folder, with `run.json` and the shard files.
/// - Complexity: O(size of the shard files).
public struct ShardMerger: Sendable {
  public var directory: URL

  public init(directory: URL) {
    self.directory = directory
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
    /// Shards absent, unfinished or short.
    public var missingShards: [MissingShard] = []
    /// Images found in more than one line (only the first is kept).
    public var duplicates: [String] = []

    /// Whether every image of the run is in the outputs exactly once.
    public var isComplete: Bool {
      missingShards.isEmpty && duplicates.isEmpty && imageCount == fingerprint.imageCount
    }
  }

  /// Merges the completed shards.
  ///
  /// - Parameters:
  ///   - jsonl: The JSON Lines file to write (replaced atomically).
  ///   - npz: The `.npz` file to write (replaced atomically), or `nil` for none.
  /// - Returns: What was merged and what is missing.
  /// - Throws: ``/ProposalIO/ProposalIOError`` when `run.json` or a completed shard cannot be
  ///   read or a line of it is not a valid record, or an output cannot be written.
  public func merge(jsonl: URL, npz: URL?) throws -> Report {
    let fingerprint = try RunFingerprint.read(directory: directory)
    var report = Report(fingerprint: fingerprint)
    let staging = jsonl.deletingLastPathComponent().appendingPathComponent(
      ".merge-\(getpid())-\(UUID().uuidString.prefix(8))")
    do {
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    } catch {
      throw ProposalIOError.unwritable(file: staging.path, reason: error.localizedDescription)
    }
    defer { try? FileManager.default.removeItem(at: staging) }
    let lines = try RawArrayFile(staging.appendingPathComponent("proposals.jsonl"))
    let boxes = try RawArrayFile(staging.appendingPathComponent("boxes"))
    let scores = try RawArrayFile(staging.appendingPathComponent("scores"))
    let imageIDs = try RawArrayFile(staging.appendingPathComponent("image_ids"))
    var names: [String] = []
    var seen: Set<String> = []
    let decoder = JSONDecoder()

    for index in 0..<fingerprint.shardCount {
      let shard = try Shard(index: index, count: fingerprint.shardCount)
      let expected = fingerprint.shardImageCounts[index]
      let file = directory.appendingPathComponent(shard.fileName)
      guard FileManager.default.fileExists(atPath: file.path) else {
        let partial = directory.appendingPathComponent(shard.partialFileName)
        let isPartial = FileManager.default.fileExists(atPath: partial.path)
        let written = isPartial ? try Self.completeLineCount(partial) : 0
        if expected > 0 || isPartial {
          report.missingShards.append(
            MissingShard(
              shard: shard, expectedImages: expected, writtenImages: written, isPartial: isPartial))
        }
        continue
      }
      var reader = try LineReader(url: file)
      defer { reader.close() }
      var written = 0
      var lineNumber = 0
      while let line = try reader.next() {
        lineNumber += 1
        if line.bytes.isEmpty { continue }
        let record: ProposalRecord
        do {
          record = try decoder.decode(ProposalRecord.self, from: line.bytes)
        } catch {
          throw ProposalIOError.malformedLine(
            file: file.path, line: lineNumber, reason: ProposalIOError.describe(error))
        }
        written += 1
        guard seen.insert(record.image).inserted else {
          report.duplicates.append(record.image)
          continue
        }
        try lines.append(line.bytes + Data("\n".utf8))
        let id = Int64(names.count)
        names.append(record.image)
        if let error = record.error { report.failures.append((record.image, error)) }
        var boxBytes = Data(capacity: record.proposals.count * 16)
        var scoreBytes = Data(capacity: record.proposals.count * 4)
        var idBytes = Data(capacity: record.proposals.count * 8)
        ProposalArrays.append(
          record, imageID: id, boxes: &boxBytes, scores: &scoreBytes, imageIDs: &idBytes)
        try boxes.append(boxBytes)
        try scores.append(scoreBytes)
        try imageIDs.append(idBytes)
        report.proposalCount += record.proposals.count
      }
      if written != expected {
        report.missingShards.append(
          MissingShard(
            shard: shard, expectedImages: expected, writtenImages: written, isPartial: false))
      }
    }
    report.imageCount = names.count
    for file in [lines, boxes, scores, imageIDs] { try file.close() }

    try DurableFile.commit(lines.url, as: jsonl)
    if let npz {
      let writer = try NPZWriter(url: npz)
      let count = report.proposalCount
      try writer.add(
        name: "boxes", header: NPYHeader(descr: "<f4", shape: [count, 4]), dataFile: boxes.url)
      try writer.add(
        name: "scores", header: NPYHeader(descr: "<f4", shape: [count]), dataFile: scores.url)
      try writer.add(
        name: "image_ids", header: NPYHeader(descr: "<i8", shape: [count]), dataFile: imageIDs.url)
      let images = ProposalArrays.names(names)
      try writer.add(name: "images", header: images.header, data: images.data)
      try writer.finish()
    }
    return report
  }

  /// The number of newline-terminated lines of a `.partial` file.
  static func completeLineCount(_ url: URL) throws -> Int {
    var reader = try LineReader(url: url)
    defer { reader.close() }
    var count = 0
    while let line = try reader.next() {
      if line.isTerminated && !line.bytes.isEmpty { count += 1 }
    }
    return count
  }
}

/// A file written by appending raw bytes (the body of one merged array).
private final class RawArrayFile {
  let url: URL
  private let handle: FileHandle

  init(_ url: URL) throws {
    self.url = url
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: url.path)
    else {
      throw ProposalIOError.unwritable(file: url.path, reason: "cannot create the file")
    }
    self.handle = handle
  }

  func append(_ data: Data) throws {
    do {
      try handle.write(contentsOf: data)
    } catch {
      throw ProposalIOError.unwritable(file: url.path, reason: error.localizedDescription)
    }
  }

  func close() throws {
    do {
      try handle.close()
    } catch {
      throw ProposalIOError.unwritable(file: url.path, reason: error.localizedDescription)
    }
  }
}
