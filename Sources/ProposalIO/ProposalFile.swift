import Foundation

/// Reads and writes proposals JSON Lines files (one ``ProposalRecord`` per line).
public enum ProposalFile {
  /// Reads every record of a JSON Lines file. Blank lines are skipped.
  ///
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` when the file cannot be read and
  ///   ``ProposalIOError/malformedLine(file:line:reason:)`` naming the 1-based line otherwise.
  public static func read(contentsOf url: URL) throws -> [ProposalRecord] {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    let decoder = JSONDecoder()
    var records: [ProposalRecord] = []
    var lineNumber = 0
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.allSatisfy({
        $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t")
      }) {
        continue
      }
      do {
        records.append(try decoder.decode(ProposalRecord.self, from: Data(line)))
      } catch {
        throw ProposalIOError.malformedLine(
          file: url.path, line: lineNumber, reason: ProposalIOError.describe(error))
      }
    }
    return records
  }

  /// Writes records as JSON Lines, atomically (a temporary file renamed into place).
  public static func write(_ records: [ProposalRecord], to url: URL) throws {
    var text = ""
    for record in records {
      text += try record.jsonLine()
      text += "\n"
    }
    do {
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw ProposalIOError.unwritable(file: url.path, reason: error.localizedDescription)
    }
  }
}
