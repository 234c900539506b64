import Foundation

/// Writes a proposals JSON Lines file record by record, completed atomically.
///
/// Lines go to a temporary file next to the destination as they come (a `TemporaryFile`:
/// `.<name>.tmp-<pid>-<hex>`, locked while in use), so memory holds one record at a time;
/// ``finish()`` `fsync`s it and renames it into place, so the destination is either the
/// previous file or the complete new one, never a partial one. A writer dropped without
/// ``finish()`` removes its temporary file, and temporary files left by killed runs in the
/// destination's folder are removed when a writer starts. For runs that must survive a kill
/// and resume, use `ShardWriter` (ProposalRuns module).
///
///     let writer = try ProposalFileWriter(url: URL(fileURLWithPath: "proposals.jsonl"))
///     try await proposer.stream(images) { _, record in try writer.append(record) }
///     try writer.finish()
///
/// - Parameter url: The file to write; its folder must exist.
public final class ProposalFileWriter {
  /// The destination.
  public let url: URL
  private var file: TemporaryFile?

  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public init(url: URL) throws {
    self.url = url
    TemporaryFile.removeStale(in: url.deletingLastPathComponent())
    file = try TemporaryFile(for: url)
  }

  /// Appends `record` as one line.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``, also when the file is finished.
  public func append(_ record: ProposalRecord) throws {
    var line = Data(try record.jsonLine().utf8)
    line.append(UInt8(ascii: "\n"))
    try openFile().write(line)
  }

  /// Completes the file: `fsync`, rename into place, `fsync` of the folder.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``, also when called twice.
  public func finish() throws {
    try complete().commit()
  }

  /// Hands over the finished temporary file without renaming it, for a set of files committed
  /// together (`DurableFile.commit(_:)`); the writer is finished afterwards.
  package func complete() throws -> TemporaryFile {
    let file = try openFile()
    self.file = nil
    return file
  }

  private func openFile() throws -> TemporaryFile {
    guard let file else {
      throw ProposalIOError.unwritable(file: url.path, reason: "the file is already finished")
    }
    return file
  }
}
