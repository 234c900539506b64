import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a proposals JSON Lines file record by record, completed atomically.
///
/// Lines go to a temporary file next to the destination as they come, so memory holds one
/// record at a time; ``finish()`` `fsync`s it and renames it into place, so the destination is
/// either the previous file or the complete new one, never a partial one. A writer dropped
/// without ``finish()`` removes its temporary file. For runs that must survive a kill and
/// resume, use `ShardWriter` (ProposalRuns module).
///
///     let writer = try ProposalFileWriter(url: URL(fileURLWithPath: "proposals.jsonl"))
///     try await proposer.stream(images) { _, record in try writer.append(record) }
///     try writer.finish()
///
/// - Parameter url: The file to write; its folder must exist.
public final class ProposalFileWriter {
  /// The destination.
  public let url: URL
  private let temporaryURL: URL
  private var descriptor: Int32

  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public init(url: URL) throws {
    self.url = url
    temporaryURL = DurableFile.temporaryURL(for: url)
    descriptor = open(temporaryURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw DurableFile.failure(url, "open") }
  }

  deinit {
    if descriptor >= 0 {
      Glibc.close(descriptor)
      unlink(temporaryURL.path)
    }
  }

  /// Appends `record` as one line.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public func append(_ record: ProposalRecord) throws {
    precondition(descriptor >= 0, "ProposalFileWriter.append: the file is already finished")
    var line = Data(try record.jsonLine().utf8)
    line.append(UInt8(ascii: "\n"))
    try DurableFile.writeAll(line, to: descriptor, file: temporaryURL)
  }

  /// Completes the file: `fsync`, rename into place, `fsync` of the folder.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public func finish() throws {
    precondition(descriptor >= 0, "ProposalFileWriter.finish: called twice")
    Glibc.close(descriptor)
    descriptor = -1
    try DurableFile.commit(temporaryURL, as: url)
  }
}
