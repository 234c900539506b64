import Foundation
import ProposalIO

#if canImport(Glibc)
  import Glibc
#endif

/// Writes one shard of a sharded run, record by record, so a killed run resumes where it stopped.
///
/// The idea: while the shard runs, each finished image is appended to
/// `shard-00003-of-00008.jsonl.partial` as one JSON line with a single `write(2)`, and the
/// file is `fsync`ed every ``syncInterval`` records. When every image of the shard is done the
/// file is `fsync`ed and renamed to `shard-00003-of-00008.jsonl` (then the folder is
/// `fsync`ed): a completed shard appears atomically, and `regionkit merge` reads only
/// completed shards.
///
/// Opening a writer on a folder that already holds a `.partial` file resumes it. Every line is
/// checked as a full record (``/ProposalIO/ProposalRecord`` validation, the 64 MiB line cap,
/// one line per image): valid lines are kept wherever they are and their images reported in
/// ``completedImages`` (so the caller skips them); a line that is not a valid record, or a
/// second line for an image, is dropped and listed in ``droppedLines`` (so only its image is
/// computed again), and a torn last line is cut off (``truncatedBytes``). When lines are
/// dropped, the kept ones are copied to a new file that replaces the `.partial` atomically, so
/// a kill during the repair loses nothing either. A process killed at any point therefore
/// loses at most the images in flight (and after a power loss, at most the last
/// ``syncInterval`` records), and never leaves a duplicate or a corrupt line behind. The
/// `.partial` file is locked (`flock`) while a writer has it open, so a second process on the
/// same shard fails instead of interleaving lines.
///
///     let writer = try ShardWriter(directory: out, shard: shard)
///     for (name, url) in images where !writer.completedImages.contains(name) {
///       try writer.append(proposer.record(name: name, url: url))
///     }
///     try writer.finish()
///
/// - Parameters:
///   - directory: The run's output folder; it must exist.
///   - shard: Which shard this process writes.
///   - syncInterval: Records appended between two `fsync` calls; values below 1 count as 1.
///     Default: `16`.
///   - maximumLineLength: Lines of an existing `.partial` file longer than this many bytes
///     are dropped. Default: ``/ProposalIO/ProposalFile/defaultMaximumLineLength`` (64 MiB).
/// - Throws: ``/ProposalIO/ProposalIOError/unwritable(file:reason:)`` when the file cannot be
///   opened, locked (another process writes the shard) or repaired, and
///   ``/ProposalIO/ProposalIOError/unreadable(file:reason:)`` when it cannot be read.
/// - Complexity: Opening reads the existing `.partial` file once, in O(its size), and once
///   more when lines must be dropped.
public final class ShardWriter {
  /// The shard being written.
  public let shard: Shard
  /// The completed shard file (``Shard/fileName`` in the output folder).
  public let url: URL
  /// The file appended to while the shard runs.
  public let partialURL: URL
  /// Records appended between two `fsync` calls.
  public let syncInterval: Int
  /// Images already written, by an earlier run or by this writer.
  public private(set) var completedImages: Set<String> = []
  /// Failed images found in the file when it was opened: `(image, error)` in file order.
  public private(set) var resumedFailures: [(image: String, error: String)] = []
  /// Bytes cut off the end of the `.partial` file when it was opened (a torn last line).
  public private(set) var truncatedBytes = 0
  /// Complete lines of the `.partial` file dropped when it was opened, because they were not
  /// valid records or repeated an image: `(line, reason)`, 1-based line numbers of the file as
  /// it was. Their images are not in ``completedImages``, so they are computed again.
  public private(set) var droppedLines: [(line: Int, reason: String)] = []
  /// Whether the shard was already complete when opened (nothing left to append).
  public private(set) var isComplete: Bool

  private var descriptor: Int32 = -1
  private var unsynced = 0

  /// Lines of an existing `.partial` file longer than this many bytes are dropped.
  public let maximumLineLength: Int

  public init(
    directory: URL, shard: Shard, syncInterval: Int = 16,
    maximumLineLength: Int = ProposalFile.defaultMaximumLineLength
  ) throws {
    self.shard = shard
    self.syncInterval = max(1, syncInterval)
    self.maximumLineLength = maximumLineLength
    url = directory.appendingPathComponent(shard.fileName)
    partialURL = directory.appendingPathComponent(shard.partialFileName)
    isComplete = FileManager.default.fileExists(atPath: url.path)
    if isComplete {
      try scanCompleted(url)
      return
    }
    descriptor = open(partialURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw DurableFile.failure(partialURL, "open") }
    // Two processes on one shard (a retried pod while the old one still runs) would interleave
    // lines; the second one stops here instead. The lock goes with the descriptor.
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      throw ProposalIOError.unwritable(
        file: partialURL.path,
        reason: "another process is writing this shard (it holds the file's lock)")
    }
    let validLength = try scanPartial()
    if droppedLines.isEmpty {
      let length = lseek(descriptor, 0, SEEK_END)
      guard length >= 0 else { throw DurableFile.failure(partialURL, "lseek") }
      if Int(length) > validLength {
        guard ftruncate(descriptor, off_t(validLength)) == 0 else {
          throw DurableFile.failure(partialURL, "ftruncate")
        }
        guard fsync(descriptor) == 0 else { throw DurableFile.failure(partialURL, "fsync") }
      }
      guard lseek(descriptor, off_t(validLength), SEEK_SET) >= 0 else {
        throw DurableFile.failure(partialURL, "lseek")
      }
    } else {
      try rewriteKeepingValidLines()
    }
  }

  deinit {
    if descriptor >= 0 { Glibc.close(descriptor) }
  }

  /// The first two keys of a record: enough to know which image a line of a completed shard
  /// holds and whether it failed (`regionkit merge` checks completed shards in full).
  private struct RecordHead: Decodable {
    var image: String
    var error: String?
  }

  /// Reads the images of a completed shard into ``completedImages``.
  private func scanCompleted(_ file: URL) throws {
    var reader = try LineReader(url: file, skipsLongLines: true)
    defer { reader.close() }
    let decoder = JSONDecoder()
    while let line = try reader.next() {
      guard let head = try? decoder.decode(RecordHead.self, from: line.bytes) else { continue }
      completedImages.insert(head.image)
      if let error = head.error { resumedFailures.append((head.image, error)) }
    }
  }

  /// Checks every line of the `.partial` file: fills ``completedImages``,
  /// ``resumedFailures``, ``droppedLines`` and ``truncatedBytes``.
  ///
  /// - Returns: The length of the file up to the end of its last complete line.
  private func scanPartial() throws -> Int {
    var reader = try LineReader(
      url: partialURL, maximumLineLength: maximumLineLength, skipsLongLines: true)
    defer { reader.close() }
    let decoder = JSONDecoder()
    var firstLine: [String: Int] = [:]
    var validLength = 0
    while let line = try reader.next() {
      guard line.isTerminated else {
        truncatedBytes = line.length
        break
      }
      validLength = line.offset + line.length + 1
      if line.isTooLong {
        droppedLines.append(
          (line.number, "the line is longer than \(maximumLineLength) bytes"))
        continue
      }
      if ProposalFile.isBlank(line.bytes) {
        droppedLines.append((line.number, "the line is blank"))
        continue
      }
      let record: ProposalRecord
      do {
        record = try decoder.decode(ProposalRecord.self, from: line.bytes)
      } catch {
        droppedLines.append((line.number, ProposalIOError.describe(error)))
        continue
      }
      if let first = firstLine[record.image] {
        droppedLines.append((line.number, "\(record.image) is already on line \(first)"))
        continue
      }
      firstLine[record.image] = line.number
      completedImages.insert(record.image)
      if let error = record.error { resumedFailures.append((record.image, error)) }
    }
    return validLength
  }

  /// Replaces the `.partial` file by a copy holding only its valid lines, and continues on
  /// the copy (whose lock is held from its creation).
  private func rewriteKeepingValidLines() throws {
    let dropped = Set(droppedLines.map(\.line))
    let copy = try TemporaryFile(for: partialURL)
    var reader = try LineReader(
      url: partialURL, maximumLineLength: maximumLineLength, skipsLongLines: true)
    defer { reader.close() }
    while let line = try reader.next(), line.isTerminated {
      guard !dropped.contains(line.number) else { continue }
      try copy.write(line.bytes + Data("\n".utf8))
    }
    let kept = try copy.commitKeepingDescriptor()
    Glibc.close(descriptor)
    descriptor = kept
  }

  /// Appends `record` as one line (one `write(2)`), `fsync`ing every ``syncInterval`` records.
  ///
  /// - Throws: ``ProposalRunsError/duplicateImageNames(names:)`` when the record's image is
  ///   already written; ``/ProposalIO/ProposalIOError/unwritable(file:reason:)`` when the
  ///   write fails or the shard is complete or closed.
  public func append(_ record: ProposalRecord) throws {
    guard !isComplete && descriptor >= 0 else {
      throw ProposalIOError.unwritable(
        file: partialURL.path, reason: "the shard is already complete or closed")
    }
    guard !completedImages.contains(record.image) else {
      throw ProposalRunsError.duplicateImageNames(names: [record.image])
    }
    var line = Data(try record.jsonLine().utf8)
    line.append(UInt8(ascii: "\n"))
    try DurableFile.writeAll(line, to: descriptor, file: partialURL)
    completedImages.insert(record.image)
    unsynced += 1
    if unsynced >= syncInterval {
      guard fsync(descriptor) == 0 else { throw DurableFile.failure(partialURL, "fsync") }
      unsynced = 0
    }
  }

  /// Stops writing without completing the shard: `fsync`s and closes the `.partial` file,
  /// which a later writer resumes. Does nothing when already complete or closed.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unwritable(file:reason:)``.
  public func close() throws {
    guard descriptor >= 0 else { return }
    let synced = fsync(descriptor) == 0
    Glibc.close(descriptor)
    descriptor = -1
    guard synced else { throw DurableFile.failure(partialURL, "fsync") }
  }

  /// Completes the shard: `fsync`, rename `.partial` to the final name, `fsync` the folder.
  ///
  /// Call it once every image of the shard is appended. Does nothing when already complete.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unwritable(file:reason:)``.
  public func finish() throws {
    guard !isComplete else { return }
    try close()
    try DurableFile.commit(partialURL, as: url)
    isComplete = true
  }
}
