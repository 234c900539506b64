import Testing

@testable import ONNX

/// The wire-format reader on hand-made messages.
@Suite struct ProtobufReaderTests {
  /// Runs `body` on a reader over `bytes`.
  func read<T>(_ bytes: [UInt8], _ body: (inout ProtobufReader) throws -> T) rethrows -> T {
    try bytes.withUnsafeBytes { buffer in
      var reader = ProtobufReader(bytes: buffer, range: 0..<buffer.count)
      return try body(&reader)
    }
  }

  @Test func varintsOfOneToTenBytes() throws {
    #expect(try read([0x01]) { try $0.varint() } == 1)
    #expect(try read([0xAC, 0x02]) { try $0.varint() } == 300)
    // -1 as int64: ten bytes.
    let minusOne: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
    #expect(try read(minusOne) { Int64(bitPattern: try $0.varint()) } == -1)
  }

  @Test func truncatedAndOverlongVarintsAreErrors() {
    #expect(throws: ProtobufError.self) { try read([0x80]) { try $0.varint() } }
    #expect(throws: ProtobufError.self) {
      try read([UInt8](repeating: 0xFF, count: 11)) { try $0.varint() }
    }
  }

  @Test func fieldsOfEachWireType() throws {
    // field 1 varint 150; field 2 string "hi"; field 3 float 1.5; field 4 fixed64 skipped.
    let bytes: [UInt8] =
      [0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x1D, 0x00, 0x00, 0xC0, 0x3F, 0x21]
      + [UInt8](repeating: 0, count: 8)
    try read(bytes) { reader in
      var field = try #require(try reader.nextField())
      #expect(field.number == 1)
      #expect(try reader.int64(field) == 150)
      field = try #require(try reader.nextField())
      #expect(try reader.string(field) == "hi")
      field = try #require(try reader.nextField())
      #expect(try reader.float(field) == 1.5)
      field = try #require(try reader.nextField())
      #expect(field.number == 4)
      try reader.skip(field)
      #expect(try reader.nextField() == nil)
    }
  }

  @Test func packedAndUnpackedRepeatedValuesAreBothRead() throws {
    // field 1 packed [1, 2, 300]; then field 1 unpacked 7.
    let bytes: [UInt8] = [0x0A, 0x04, 0x01, 0x02, 0xAC, 0x02, 0x08, 0x07]
    let values = try read(bytes) { reader in
      var values: [Int64] = []
      while let field = try reader.nextField() { try reader.appendVarints(field, to: &values) }
      return values
    }
    #expect(values == [1, 2, 300, 7])
  }

  @Test func lengthsPastTheEndAreErrorsWithTheOffset() {
    // field 2, length 100, 2 bytes present.
    do {
      try read([0x12, 0x64, 0x61, 0x62]) { reader in
        let field = try #require(try reader.nextField())
        _ = try reader.lengthDelimited(field)
      }
      Issue.record("no error")
    } catch let error as ProtobufError {
      #expect(error.offset == 1)
      #expect(error.reason.contains("100 bytes"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func groupsAndFieldZeroAreRefused() {
    // Wire type 3 (a group), then field number 0.
    #expect(throws: ProtobufError.self) { try read([0x0B]) { _ = try $0.nextField() } }
    #expect(throws: ProtobufError.self) { try read([0x00]) { _ = try $0.nextField() } }
  }
}
