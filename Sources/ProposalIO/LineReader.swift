import Foundation

/// Reads a file line by line in fixed-size chunks, with a cap on the length of a line, so
/// memory stays bounded by the cap (plus one chunk) whatever the file holds.
///
/// Each byte is examined once, however long the line (a line spread over many chunks is not
/// searched again from its start). A line longer than `maximumLineLength` bytes is either an
/// error (``ProposalIOError/lineTooLong(file:line:limit:)``, the default) or, with
/// `skipsLongLines`, returned empty with ``Line/isTooLong`` set, its bytes read and dropped.
///
///     var reader = try LineReader(url: shardFile)
///     while let line = try reader.next() { use(line.bytes, line.number, line.isTerminated) }
package struct LineReader {
  /// One line without its `\n`.
  package struct Line {
    /// The line's bytes, without the newline (empty for a line over the cap when skipped).
    package var bytes: Data
    /// The byte offset of the line's first byte in the file.
    package var offset: Int
    /// The line's 1-based number.
    package var number: Int
    /// The line's length in bytes, without the newline.
    package var length: Int
    /// Whether a `\n` ended the line (false only for an unterminated last line).
    package var isTerminated: Bool
    /// Whether the line was longer than the cap and skipped (``bytes`` is then empty).
    package var isTooLong: Bool
  }

  /// The default cap on a line's length: 64 MiB, far above any proposals line RegionKit
  /// writes (about 60 bytes per box: a million boxes) and small enough to hold in memory.
  package static let defaultMaximumLineLength = 64 << 20

  private let handle: FileHandle
  private let url: URL
  private let chunkSize: Int
  private let maximumLineLength: Int
  private let skipsLongLines: Bool
  private var buffer: [UInt8] = []
  /// Start of the current line in `buffer`.
  private var start = 0
  /// Where the search for the next newline resumes in `buffer`.
  private var scanned = 0
  /// Offset in the file of `buffer[0]`.
  private var bufferOffset = 0
  private var lineNumber = 0
  private var isAtEnd = false
  /// Bytes of an over-long line already dropped (skipping mode), or `nil`.
  private var skippedLength: Int?
  private var skippedOffset = 0

  /// - Parameters:
  ///   - url: The file.
  ///   - chunkSize: Bytes read at a time. Default: 1 MiB.
  ///   - maximumLineLength: The longest line accepted, in bytes without the newline.
  ///     Default: ``defaultMaximumLineLength`` (64 MiB).
  ///   - skipsLongLines: Return longer lines empty, flagged ``Line/isTooLong``, instead of
  ///     throwing. Default: `false`.
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)``.
  package init(
    url: URL, chunkSize: Int = 1 << 20, maximumLineLength: Int = defaultMaximumLineLength,
    skipsLongLines: Bool = false
  ) throws {
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    self.url = url
    self.chunkSize = max(1, chunkSize)
    self.maximumLineLength = max(0, maximumLineLength)
    self.skipsLongLines = skipsLongLines
  }

  /// The next line, or `nil` at the end of the file.
  ///
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` when reading fails and
  ///   ``ProposalIOError/lineTooLong(file:line:limit:)`` for a line over the cap (unless
  ///   skipping).
  package mutating func next() throws -> Line? {
    while true {
      if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
        return try finishLine(end: newline, isTerminated: true)
      }
      scanned = buffer.count
      if buffer.count - start > maximumLineLength {
        guard skipsLongLines else {
          throw ProposalIOError.lineTooLong(
            file: url.path, line: lineNumber + 1, limit: maximumLineLength)
        }
        if skippedLength == nil { skippedOffset = bufferOffset + start }
        skippedLength = (skippedLength ?? 0) + buffer.count - start
        bufferOffset += buffer.count
        buffer.removeAll(keepingCapacity: true)
        (start, scanned) = (0, 0)
      }
      if isAtEnd {
        guard start < buffer.count || skippedLength != nil else { return nil }
        return try finishLine(end: buffer.count, isTerminated: false)
      }
      let chunk: Data
      do {
        chunk = try handle.read(upToCount: chunkSize) ?? Data()
      } catch {
        throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
      }
      if chunk.isEmpty {
        isAtEnd = true
      } else {
        // Drop the lines already returned, keep the unfinished one, add the chunk.
        if start > 0 {
          buffer.removeSubrange(0..<start)
          bufferOffset += start
          scanned -= start
          start = 0
        }
        buffer.append(contentsOf: chunk)
      }
    }
  }

  /// The line `buffer[start..<end]` (plus any skipped part before it); moves past it.
  private mutating func finishLine(end: Int, isTerminated: Bool) throws -> Line {
    lineNumber += 1
    let length = (skippedLength ?? 0) + end - start
    let offset = skippedLength == nil ? bufferOffset + start : skippedOffset
    let isTooLong = length > maximumLineLength
    if isTooLong && !skipsLongLines {
      throw ProposalIOError.lineTooLong(file: url.path, line: lineNumber, limit: maximumLineLength)
    }
    let line = Line(
      bytes: isTooLong ? Data() : Data(buffer[start..<end]), offset: offset, number: lineNumber,
      length: length, isTerminated: isTerminated, isTooLong: isTooLong)
    skippedLength = nil
    start = isTerminated ? end + 1 : end
    scanned = start
    return line
  }

  package func close() {
    try? handle.close()
  }
}
