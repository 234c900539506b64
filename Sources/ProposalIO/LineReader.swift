import Foundation

/// Reads a file line by line in fixed-size chunks, so memory stays bounded by the longest line.
///
///     var reader = try LineReader(url: shardFile)
///     while let line = try reader.next() { use(line.bytes, line.offset, line.isTerminated) }
package struct LineReader {
  /// One line without its `\n`.
  package struct Line {
    /// The line's bytes, without the newline.
    package var bytes: Data
    /// The byte offset of the line's first byte in the file.
    package var offset: Int
    /// Whether a `\n` ended the line (false only for an unterminated last line).
    package var isTerminated: Bool
  }

  private let handle: FileHandle
  private let url: URL
  private let chunkSize: Int
  private var buffer = Data()
  private var position = 0
  private var bufferOffset = 0
  private var isAtEnd = false

  /// - Parameters:
  ///   - url: The file.
  ///   - chunkSize: Bytes read at a time. Default: 1 MiB.
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)``.
  package init(url: URL, chunkSize: Int = 1 << 20) throws {
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    self.url = url
    self.chunkSize = chunkSize
  }

  /// The next line, or `nil` at the end of the file.
  package mutating func next() throws -> Line? {
    while true {
      if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
        let line = Line(
          bytes: Data(buffer[position..<newline]), offset: bufferOffset, isTerminated: true)
        bufferOffset += newline + 1 - position
        position = newline + 1
        return line
      }
      if isAtEnd {
        guard position < buffer.endIndex else { return nil }
        let line = Line(bytes: Data(buffer[position...]), offset: bufferOffset, isTerminated: false)
        bufferOffset += buffer.endIndex - position
        position = buffer.endIndex
        return line
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
        // Keep only the unfinished line, then add the new chunk.
        buffer = Data(buffer[position...]) + chunk
        position = buffer.startIndex
      }
    }
  }

  package func close() {
    try? handle.close()
  }
}
