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
/// completed shards. Opening a writer on a folder that already holds a `.partial` file
/// resumes it: complete lines are kept and their images reported in ``completedImages`` (so
/// the caller skips them), and a torn last line — or anything after the first line that is not
/// a valid record — is cut off with `ftruncate`. A process killed at any point therefore loses
/// at most the images in flight (and after a power loss, at most the last ``syncInterval``
/// records), and never leaves a duplicate or a corrupt line behind. The `.partial` file is
/// locked (`flock`) while a writer has it open, so a second process on the same shard fails
/// instead of interleaving lines.
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
///   - syncInterval: Records appended between two `fsync` calls, at least 1. Default: `16`.
/// - Complexity: Opening reads the existing `.partial` file once, in O(its size).
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
  /// Whether the shard was already complete when opened (nothing left to append).
  public private(set) var isComplete: Bool

  private var descriptor: Int32 = -1
  private var unsynced = 0

  public init(directory: URL, shard: Shard, syncInterval: Int = 16) throws {
    precondition(syncInterval >= 1, "ShardWriter: syncInterval must be at least 1")
    self.shard = shard
    self.syncInterval = syncInterval
    url = directory.appendingPathComponent(shard.fileName)
    partialURL = directory.appendingPathComponent(shard.partialFileName)
    isComplete = FileManager.default.fileExists(atPath: url.path)
    if isComplete {
      _ = try scan(url)
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
    let validLength = try scan(partialURL)
    let length = lseek(descriptor, 0, SEEK_END)
    guard length >= 0 else { throw DurableFile.failure(partialURL, "lseek") }
    if Int(length) > validLength {
      truncatedBytes = Int(length) - validLength
      guard ftruncate(descriptor, off_t(validLength)) == 0 else {
        throw DurableFile.failure(partialURL, "ftruncate")
      }
      guard fsync(descriptor) == 0 else { throw DurableFile.failure(partialURL, "fsync") }
    }
    guard lseek(descriptor, off_t(validLength), SEEK_SET) >= 0 else {
      throw DurableFile.failure(partialURL, "lseek")
    }
  }

  deinit {
    if descriptor >= 0 { Glibc.close(descriptor) }
  }

  /// The first two keys of a record: enough to know which image a line holds and whether it failed.
  private struct RecordHead: Decodable {
    var image: String
    var error: String?
  }

  /// Reads the valid lines of `file` into ``completedImages`` and returns their total length.
  private func scan(_ file: URL) throws -> Int {
    var reader = try LineReader(url: file)
    defer { reader.close() }
    let decoder = JSONDecoder()
    var validLength = 0
    while let line = try reader.next() {
      guard line.isTerminated, let head = try? decoder.decode(RecordHead.self, from: line.bytes)
      else {
        break
      }
      completedImages.insert(head.image)
      if let error = head.error { resumedFailures.append((head.image, error)) }
      validLength = line.offset + line.bytes.count + 1
    }
    return validLength
  }

  /// Appends `record` as one line (one `write(2)`), `fsync`ing every ``syncInterval`` records.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unwritable(file:reason:)``.
  public func append(_ record: ProposalRecord) throws {
    precondition(
      !isComplete && descriptor >= 0, "ShardWriter.append: the shard is complete or closed")
    precondition(
      !completedImages.contains(record.image),
      "ShardWriter.append: \(record.image) is already written")
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
