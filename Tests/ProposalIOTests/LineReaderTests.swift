import Foundation
import RegionKitTestSupport
import Testing

@testable import ProposalIO

@Suite struct LineReaderTests {
  func lines(_ text: String, chunkSize: Int, maximum: Int = 1 << 20, skipping: Bool = false)
    throws -> [LineReader.Line]
  {
    let url = try Fixtures.temporaryDirectory().appendingPathComponent("lines.txt")
    try Data(text.utf8).write(to: url)
    var reader = try LineReader(
      url: url, chunkSize: chunkSize, maximumLineLength: maximum, skipsLongLines: skipping)
    defer { reader.close() }
    var lines: [LineReader.Line] = []
    while let line = try reader.next() { lines.append(line) }
    return lines
  }

  @Test(arguments: [1, 2, 3, 7, 1 << 20])
  func linesNumbersAndOffsetsForAnyChunkSize(chunkSize: Int) throws {
    let read = try lines("ab\n\ncde\nf", chunkSize: chunkSize)
    #expect(read.map { String(decoding: $0.bytes, as: UTF8.self) } == ["ab", "", "cde", "f"])
    #expect(read.map(\.number) == [1, 2, 3, 4])
    #expect(read.map(\.offset) == [0, 3, 4, 8])
    #expect(read.map(\.length) == [2, 0, 3, 1])
    #expect(read.map(\.isTerminated) == [true, true, true, false])
  }

  @Test func aLineSpreadOverManyChunksIsReadWhole() throws {
    let long = String(repeating: "x", count: 300_000)
    let read = try lines("a\n" + long + "\nb\n", chunkSize: 1000)
    #expect(read.map(\.length) == [1, 300_000, 1])
    #expect(read[1].bytes.count == 300_000 && read[2].offset == 300_003)
  }

  @Test func aLineOverTheCapIsATypedErrorNamingTheLine() throws {
    let text = "short\n" + String(repeating: "y", count: 5000) + "\nafter\n"
    do {
      _ = try lines(text, chunkSize: 100, maximum: 4096)
      Issue.record("no error for a 5000-byte line")
    } catch let error as ProposalIOError {
      guard case .lineTooLong(let file, let line, let limit) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(file.hasSuffix("lines.txt") && line == 2 && limit == 4096)
      #expect(error.description.contains(":2: the line is longer than 4096 bytes"))
    }
    // The same cap with the line inside one chunk.
    #expect(throws: ProposalIOError.self) {
      _ = try lines(text, chunkSize: 1 << 20, maximum: 4096)
    }
  }

  @Test func skippingReturnsTheLongLineEmptyAndGoesOn() throws {
    for chunkSize in [10, 1 << 20] {
      let text =
        "a\n" + String(repeating: "z", count: 500) + "\nb\n" + String(repeating: "w", count: 300)
      let read = try lines(text, chunkSize: chunkSize, maximum: 100, skipping: true)
      #expect(read.map(\.number) == [1, 2, 3, 4])
      #expect(read.map(\.isTooLong) == [false, true, false, true])
      #expect(read.map(\.length) == [1, 500, 1, 300])
      #expect(read.map(\.offset) == [0, 2, 503, 505])
      #expect(read[1].bytes.isEmpty && String(decoding: read[2].bytes, as: UTF8.self) == "b")
      #expect(read.map(\.isTerminated) == [true, true, true, false])
    }
  }
}
