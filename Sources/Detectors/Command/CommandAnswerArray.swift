import Foundation
import ProposalIO

/// Reads one `.npy` answer of an out-of-process classifier from the bytes received so far.
///
/// Accepts NumPy format versions 1.0 (2-byte header length), 2.0 and 3.0 (4-byte), any header
/// padding, and only little-endian Float32 (`<f4`) in C order of exactly the expected shape.
enum CommandAnswerArray {
  /// The `.npy` magic string.
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// The array at the start of `buffer`, removed from it; `nil` while incomplete.
  ///
  /// - Parameters:
  ///   - buffer: Bytes read from the classifier's standard output, oldest first.
  ///   - name: `"probabilities"` or `"box deltas"`, for errors.
  ///   - shape: The shape the protocol expects.
  /// - Throws: The reason the bytes cannot be that array (for
  ///   ``CommandClassifierProblem/malformedAnswer(reason:stage:)``).
  static func take(from buffer: inout [UInt8], name: String, shape: [Int]) throws(Violation)
    -> [Float]?
  {
    let prefix = min(buffer.count, magic.count)
    guard buffer[0..<prefix].elementsEqual(magic[0..<prefix]) else {
      throw Violation(
        reason:
          "its \(name) do not start with the .npy magic \\x93NUMPY but with \(shown(buffer)) "
          + "(standard output carries only the protocol; write messages to standard error)")
    }
    guard buffer.count >= 10 else { return nil }
    let major = buffer[6]
    let lengthBytes: Int
    switch major {
    case 1: lengthBytes = 2
    case 2, 3: lengthBytes = 4
    default:
      throw Violation(
        reason: "its \(name) are .npy format version \(major).\(buffer[7]); allowed: 1, 2, 3")
    }
    guard buffer.count >= 8 + lengthBytes else { return nil }
    var headerLength = 0
    for index in 0..<lengthBytes { headerLength |= Int(buffer[8 + index]) << (8 * index) }
    guard headerLength <= 1 << 20 else {
      throw Violation(reason: "its \(name) have a .npy header of \(headerLength) bytes")
    }
    let dataOffset = 8 + lengthBytes + headerLength
    guard buffer.count >= dataOffset else { return nil }
    let text = String(decoding: buffer[(8 + lengthBytes)..<dataOffset], as: UTF8.self)
    let header: NPYHeader
    do {
      header = try NPYHeader.parseDictionary(text, file: name)
    } catch {
      throw Violation(reason: "\(error)")
    }
    guard header.descr == "<f4" else {
      throw Violation(
        reason:
          "its \(name) have dtype \(header.descr); the protocol needs <f4 (little-endian "
          + "float32; in NumPy, .astype(numpy.float32))")
    }
    guard !header.fortranOrder else {
      throw Violation(
        reason: "its \(name) are in Fortran order; the protocol needs C order")
    }
    guard header.shape == shape else {
      throw Violation(reason: "its \(name) have shape \(header.shape), expected \(shape)")
    }
    let count = shape.reduce(1, *)
    guard buffer.count >= dataOffset + 4 * count else { return nil }
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBytes { target in
      buffer.withUnsafeBytes { source in
        target.copyMemory(
          from: UnsafeRawBufferPointer(rebasing: source[dataOffset..<(dataOffset + 4 * count)]))
      }
    }
    #if _endian(big)
      for index in values.indices {
        values[index] = Float(bitPattern: UInt32(littleEndian: values[index].bitPattern))
      }
    #endif
    buffer.removeFirst(dataOffset + 4 * count)
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      let columns = shape.count == 2 ? shape[1] : 1
      throw Violation(
        reason: "its \(name)[\(bad / columns), \(bad % columns)] is \(values[bad])")
    }
    return values
  }

  /// How much of an array `buffer` holds ("40 of the 48 data bytes its header announces"), for
  /// messages about a truncated answer.
  static func progress(of buffer: [UInt8]) -> String {
    guard buffer.count >= 10, buffer[0..<6].elementsEqual(magic) else {
      return "\(buffer.count) bytes"
    }
    let lengthBytes = buffer[6] == 1 ? 2 : 4
    guard buffer.count >= 8 + lengthBytes else { return "\(buffer.count) bytes" }
    var headerLength = 0
    for index in 0..<lengthBytes { headerLength |= Int(buffer[8 + index]) << (8 * index) }
    let dataOffset = 8 + lengthBytes + headerLength
    guard buffer.count >= dataOffset,
      let header = try? NPYHeader.parseDictionary(
        String(decoding: buffer[(8 + lengthBytes)..<dataOffset], as: UTF8.self), file: "")
    else { return "\(buffer.count) bytes of the header" }
    let needed = header.shape.reduce(1, *) * 4
    return "\(buffer.count - dataOffset) of the \(needed) data bytes its header announces"
  }

  /// The first bytes of `buffer`, printable.
  static func shown(_ buffer: [UInt8]) -> String {
    let head = buffer.prefix(40)
    let text = String(decoding: head, as: UTF8.self)
    let printable = text.unicodeScalars.allSatisfy {
      ($0.value >= 32 && $0.value != 127 && $0 != "\u{FFFD}")
        || "\n\r\t".unicodeScalars.contains($0)
    }
    let shown =
      printable
      ? String(reflecting: text) : "bytes " + head.map { String(format: "%02x", $0) }.joined()
    return shown + (buffer.count > head.count ? "…" : "")
  }

  /// A broken answer: the reason, for ``CommandClassifierProblem/malformedAnswer(reason:stage:)``.
  struct Violation: Error {
    var reason: String
  }
}
