import Foundation
import ProposalIO

/// Reads a file of little-endian fixed-width integers in blocks: the scratch files of
/// `merge` (sorted runs of name hashes, the names of the records written).
struct LittleEndianFileReader<Value: FixedWidthInteger> {
  private let handle: FileHandle
  private let url: URL
  private let blockBytes: Int
  private var buffer: [Value] = []
  private var position = 0
  private var isAtEnd = false

  /// Opens `url`, to read it `blockBytes` at a time (rounded down to whole values).
  ///
  /// - Throws: `ProposalIOError.unreadable` naming the file.
  init(url: URL, blockBytes: Int) throws {
    self.url = url
    self.blockBytes = max(1, blockBytes / MemoryLayout<Value>.size) * MemoryLayout<Value>.size
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
  }

  /// The next value, `nil` at the end.
  mutating func next() throws -> Value? {
    guard try fill(1) else { return nil }
    defer { position += 1 }
    return buffer[position]
  }

  /// The next `count` values, `nil` when fewer are left.
  mutating func take(_ count: Int) throws -> [Value]? {
    guard try fill(count) else { return nil }
    defer { position += count }
    return Array(buffer[position..<position + count])
  }

  /// Reads blocks until `count` values are buffered or the file ends; whether they are.
  private mutating func fill(_ count: Int) throws -> Bool {
    while buffer.count - position < count && !isAtEnd {
      let data: Data
      do {
        data = try handle.read(upToCount: blockBytes) ?? Data()
      } catch {
        throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
      }
      if data.isEmpty {
        isAtEnd = true
        try? handle.close()
        break
      }
      buffer.removeSubrange(0..<position)
      position = 0
      let size = MemoryLayout<Value>.size
      data.withUnsafeBytes { bytes in
        buffer += (0..<bytes.count / size).map {
          Value(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * size, as: Value.self))
        }
      }
    }
    return buffer.count - position >= count
  }
}
