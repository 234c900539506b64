import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

@Suite struct NPYArrayTests {
  /// A `.npy` file with `header` (padded as NumPy pads it) followed by `payload`.
  static func file(header: String, payload: [UInt8]) throws -> URL {
    let fixed = 10
    let total = (fixed + header.utf8.count + 1 + 63) / 64 * 64
    let dict = header + String(repeating: " ", count: total - fixed - header.utf8.count - 1) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    data.append(contentsOf: [UInt8(dict.utf8.count & 0xFF), UInt8(dict.utf8.count >> 8)])
    data.append(contentsOf: Array(dict.utf8) + payload)
    let url = try Fixtures.temporaryDirectory("npy").appendingPathComponent("a.npy")
    try data.write(to: url)
    return url
  }

  @Test func readsAnArray() throws {
    let url = try Self.file(
      header: "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }",
      payload: [1, 0, 0xFE, 0xFF, 0, 1])
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    #expect(try NPYArray(contentsOf: url) == NPYArray(shape: [3], values: [1, -2, 256]))
    #expect(throws: ProposalIOError.shapeMismatch(shape: [2, 2], values: 3)) {
      _ = try NPYArray(shape: [2, 2], values: [1, 2, 3])
    }
    #expect(throws: ProposalIOError.self) {
      _ = try NPYArray(shape: [1 << 40, 1 << 40], values: [])
    }
  }

  /// Found with the .npy fuzz harness (Fuzz/FuzzNPY): a shape of 2^62 `<f4` values needs
  /// 2^64 bytes, which wrapped to 0 and passed the size check; the values were then read far
  /// past the data.
  @Test func shapeWhoseByteSizeOverflowsIsRefused() throws {
    let url = try Self.file(
      header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }",
      payload: [UInt8](repeating: 0, count: 16))
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    #expect(
      throws: ProposalIOError.malformedNPY(
        file: url.path,
        reason:
          "shape [4611686018427387904] of <f4 needs more than \(Int.max) bytes, 16 present")
    ) { try NPYArray(contentsOf: url) }
  }

  @Test func shortDataIsRefused() throws {
    let url = try Self.file(
      header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
      payload: [UInt8](repeating: 0, count: 24))
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    #expect(
      throws: ProposalIOError.malformedNPY(
        file: url.path, reason: "shape [2, 2] of <f8 needs 32 bytes, 24 present")
    ) { try NPYArray(contentsOf: url) }
  }
}
