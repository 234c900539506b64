import Datasets
import Foundation
import RegionKitTestSupport
import Testing

/// Inputs found by the VOC fuzzer (Fuzz/Sources/FuzzVOC), each once a crash.
@Suite struct VOCAnnotationParserTests {
  /// A folder with one annotation file of raw bytes, which need not be UTF-8.
  static func folder(_ bytes: [UInt8]) throws -> URL {
    let folder = try Fixtures.temporaryDirectory("voc-bytes")
    let annotations = folder.appendingPathComponent("annotations")
    try FileManager.default.createDirectory(at: annotations, withIntermediateDirectories: true)
    try Data(bytes).write(to: annotations.appendingPathComponent("bad.xml"))
    return folder
  }

  /// Linux's FoundationXML trapped (a force unwrap) on an element or attribute name that is not
  /// UTF-8, which libxml2 passes on in recovery mode after reporting it; such bytes are now
  /// refused before parsing, with their line and column.
  @Test func nameThatIsNotUTF8IsAnError() throws {
    let bytes =
      Array("<annotation>\n<filename>a.jpg</filename><size><heigh".utf8) + [0xFF, 0xFF]
      + Array("t>40</height></size></annotation>\n".utf8)
    let folder = try Self.folder(bytes)
    defer { try? FileManager.default.removeItem(at: folder) }
    let error = try #require(throws: DatasetsError.self) { try Dataset.load(from: folder) }
    #expect(
      error
        == .invalidXML(
          file: "bad.xml", line: 2, column: 39,
          message: "0xFF is not UTF-8 (annotation files are read as UTF-8, or as UTF-16 or "
            + "UTF-32 after a byte-order mark)"))
  }

  /// An attribute name cut inside a two-byte character: the same trap.
  @Test func attributeNameThatIsNotUTF8IsAnError() throws {
    let bytes =
      Array("<annotation x".utf8) + [0xC3]
      + Array("=\"1\"><filename>a.jpg</filename></annotation>".utf8)
    let folder = try Self.folder(bytes)
    defer { try? FileManager.default.removeItem(at: folder) }
    let error = try #require(throws: DatasetsError.self) { try Dataset.load(from: folder) }
    guard case .invalidXML(_, let line, let column, let message) = error else {
      Issue.record("expected invalidXML, got \(error)")
      return
    }
    #expect((line, column) == (1, 14))
    #expect(message.hasPrefix("0xC3 is not UTF-8"))
  }

  /// A UCS-4 signature without a byte-order mark (`00 00 00 3C`) is valid UTF-8 and goes to
  /// libxml2, which cannot convert it: an XML error, not a crash.
  @Test func ucs4WithoutByteOrderMarkIsAnError() throws {
    let folder = try Self.folder([0, 0, 0, 0x3C, 0x6E, 0x69, 0x3E, 0x3E])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(throws: DatasetsError.self) { try Dataset.load(from: folder) }
  }

  /// Non-ASCII text in UTF-8, and a file in UTF-16 after a byte-order mark, still read.
  @Test func readsUTF8AndUTF16() throws {
    let text = """
      <annotation><filename>chat noir.jpg</filename>
      <size><width>8</width><height>8</height></size>
      <object><name>chat noir \u{00E9}t\u{00E9}</name>
      <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object>
      </annotation>
      """
    let utf16: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    for bytes in [Array(text.utf8), utf16] {
      let folder = try Self.folder(bytes)
      defer { try? FileManager.default.removeItem(at: folder) }
      let dataset = try Dataset.load(from: folder)
      #expect(dataset.categories.map(\.name) == ["chat noir \u{00E9}t\u{00E9}"])
    }
  }
}
