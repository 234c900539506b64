import Foundation

/// Reads and writes proposals JSON Lines files (one ``ProposalRecord`` per line).
public enum ProposalFile {
  /// The default cap on one line's length when reading: 64 MiB (about a million boxes).
  public static let defaultMaximumLineLength = LineReader.defaultMaximumLineLength

  /// Reads every record of a JSON Lines file. Blank lines are skipped.
  ///
  /// The file is read in chunks, one line at a time, so memory holds the records plus at most
  /// one line, and a line longer than `maximumLineLength` stops the read with an error instead
  /// of being buffered whole.
  ///
  /// - Parameters:
  ///   - url: The file.
  ///   - maximumLineLength: The longest line accepted, in bytes. Default:
  ///     ``defaultMaximumLineLength`` (64 MiB).
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` when the file cannot be read,
  ///   ``ProposalIOError/lineTooLong(file:line:limit:)`` past the cap, and
  ///   ``ProposalIOError/malformedLine(file:line:reason:)`` naming the 1-based line of a record
  ///   that is not valid (see ``ProposalRecord`` for what is checked).
  public static func read(
    contentsOf url: URL, maximumLineLength: Int = defaultMaximumLineLength
  ) throws -> [ProposalRecord] {
    var records: [ProposalRecord] = []
    try forEachRecord(in: url, maximumLineLength: maximumLineLength) { _, record in
      records.append(record)
    }
    return records
  }

  /// Calls `body` with each record of a JSON Lines file and its 1-based line number, reading
  /// one line at a time (memory: one line and one record). Blank lines are skipped.
  ///
  /// - Parameters:
  ///   - url: The file.
  ///   - maximumLineLength: The longest line accepted, in bytes. Default:
  ///     ``defaultMaximumLineLength`` (64 MiB).
  ///   - body: Called once per record, in file order; what it throws stops the read.
  /// - Throws: As ``read(contentsOf:maximumLineLength:)``, and what `body` throws.
  public static func forEachRecord(
    in url: URL, maximumLineLength: Int = defaultMaximumLineLength,
    _ body: (_ line: Int, _ record: ProposalRecord) throws -> Void
  ) throws {
    var reader = try LineReader(url: url, maximumLineLength: maximumLineLength)
    defer { reader.close() }
    let decoder = JSONDecoder()
    while let line = try reader.next() {
      if isBlank(line.bytes) { continue }
      let record: ProposalRecord
      do {
        record = try decoder.decode(ProposalRecord.self, from: line.bytes)
      } catch {
        throw ProposalIOError.malformedLine(
          file: url.path, line: line.number, reason: ProposalIOError.describe(error))
      }
      try body(line.number, record)
    }
  }

  /// Whether a line holds only spaces, tabs and carriage returns.
  package static func isBlank(_ bytes: Data) -> Bool {
    bytes.allSatisfy {
      $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t")
    }
  }

  /// Writes records as JSON Lines, atomically: a temporary file next to `url`, `fsync`ed and
  /// renamed into place, so `url` is either the old file or the complete new one.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public static func write(_ records: [ProposalRecord], to url: URL) throws {
    let writer = try ProposalFileWriter(url: url)
    for record in records { try writer.append(record) }
    try writer.finish()
  }
}
