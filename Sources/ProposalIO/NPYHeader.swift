import Foundation

/// The header of a NumPy `.npy` array file, format version 1.0.
///
/// A `.npy` file is the magic string `\x93NUMPY`, the version bytes `1 0`, a little-endian
/// `UInt16` header length, and an ASCII Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (12, 4), }`, padded with spaces and ended
/// by `\n` so that the array data starts at a multiple of 64 bytes; the data follows in C order.
///
///     let header = NPYHeader(descr: "<f4", shape: [boxCount, 4])
///     var file = header.encoded()
///     file.append(littleEndianFloats)
///
/// - Parameters:
///   - descr: The NumPy type string: `<f4` (Float32), `<i8` (Int64), `<U17` (UTF-32 strings of
///     at most 17 characters), all little-endian.
///   - shape: The array's shape; `[]` for a scalar.
///   - fortranOrder: Column-major data when `true`. Default: `false` (C order).
///
/// Reference: NumPy Enhancement Proposal 1, "A Simple File Format for NumPy Arrays".
public struct NPYHeader: Sendable, Equatable {
  public var descr: String
  public var shape: [Int]
  public var fortranOrder: Bool

  public init(descr: String, shape: [Int], fortranOrder: Bool = false) {
    self.descr = descr
    self.shape = shape
    self.fortranOrder = fortranOrder
  }

  /// `\x93NUMPY`.
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// The header bytes (magic to the `\n`), a multiple of 64 bytes long.
  public func encoded() -> Data {
    let shapeText: String
    switch shape.count {
    case 0: shapeText = "()"
    case 1: shapeText = "(\(shape[0]),)"
    default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
    var dict =
      "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    let fixed = Self.magic.count + 2 + 2
    let total = (fixed + dict.utf8.count + 1 + 63) / 64 * 64
    dict += String(repeating: " ", count: total - fixed - dict.utf8.count - 1) + "\n"
    var data = Data(Self.magic)
    data.append(contentsOf: [1, 0])
    let length = UInt16(dict.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    data.append(contentsOf: dict.utf8)
    return data
  }

  /// Parses the header at the start of a `.npy` file.
  ///
  /// - Parameters:
  ///   - data: The file's bytes (at least the header).
  ///   - file: The file's name, for errors.
  /// - Returns: The header and the offset of the array data.
  /// - Throws: ``ProposalIOError/malformedNPY(file:reason:)`` naming what is wrong.
  public static func parse(_ data: Data, file: String) throws -> (
    header: NPYHeader, dataOffset: Int
  ) {
    let bytes = [UInt8](data.prefix(10))
    guard bytes.count == 10, Array(bytes[0..<6]) == magic else {
      throw ProposalIOError.malformedNPY(file: file, reason: "no \\x93NUMPY magic")
    }
    guard bytes[6] == 1, bytes[7] == 0 else {
      throw ProposalIOError.malformedNPY(
        file: file, reason: "version \(bytes[6]).\(bytes[7]), expected 1.0")
    }
    let length = Int(bytes[8]) | Int(bytes[9]) << 8
    guard data.count >= 10 + length else {
      throw ProposalIOError.malformedNPY(
        file: file, reason: "header length \(length) runs past the end")
    }
    guard (10 + length) % 64 == 0 else {
      throw ProposalIOError.malformedNPY(
        file: file, reason: "data offset \(10 + length) is not a multiple of 64")
    }
    let text = String(decoding: data.dropFirst(10).prefix(length), as: UTF8.self)
    return (try parseDictionary(text, file: file), 10 + length)
  }

  /// Parses the dictionary part of a header: the text between the header length and the array
  /// data, such as `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
  /// spaces and ended by `\n` (any padding, any format version).
  ///
  /// - Parameters:
  ///   - text: The dictionary text, newline included.
  ///   - file: The file's name, for errors.
  /// - Throws: ``ProposalIOError/malformedNPY(file:reason:)`` naming what is wrong.
  package static func parseDictionary(_ text: String, file: String) throws -> NPYHeader {
    guard text.hasSuffix("\n"), text.hasPrefix("{") else {
      throw ProposalIOError.malformedNPY(
        file: file, reason: "header is not a dict ended by a newline")
    }
    func value(of key: String, until terminator: Character) throws -> String {
      guard let keyRange = text.range(of: "'\(key)': ") else {
        throw ProposalIOError.malformedNPY(file: file, reason: "no '\(key)' in the header")
      }
      let rest = text[keyRange.upperBound...]
      let start = rest.startIndex
      let searchFrom = terminator == "'" ? rest.index(after: start) : start
      guard let end = rest[searchFrom...].firstIndex(of: terminator) else {
        throw ProposalIOError.malformedNPY(file: file, reason: "'\(key)' is not terminated")
      }
      return String(rest[start...end])
    }
    let descr = try value(of: "descr", until: "'").trimmingCharacters(
      in: CharacterSet(charactersIn: "'"))
    let order = try value(of: "fortran_order", until: ",").dropLast()
    guard order == "True" || order == "False" else {
      throw ProposalIOError.malformedNPY(file: file, reason: "fortran_order is \(order)")
    }
    let shapeText = try value(of: "shape", until: ")").dropFirst().dropLast()
    var shape: [Int] = []
    for part in shapeText.split(separator: ",") {
      let trimmed = part.trimmingCharacters(in: .whitespaces)
      guard !trimmed.isEmpty else { continue }
      guard let dimension = Int(trimmed), dimension >= 0 else {
        throw ProposalIOError.malformedNPY(
          file: file, reason: "shape entry \(trimmed) is not a size")
      }
      shape.append(dimension)
    }
    return NPYHeader(descr: descr, shape: shape, fortranOrder: order == "True")
  }
}
