import Foundation
import ProposalIO
import Testing

@Suite struct NPYHeaderTests {
  @Test(arguments: [
    NPYHeader(descr: "<f4", shape: [12, 4]), NPYHeader(descr: "<i8", shape: [0]),
    NPYHeader(descr: "<U17", shape: [3]), NPYHeader(descr: "<f4", shape: []),
  ])
  func encodesFormat1AlignedTo64AndParsesBack(header: NPYHeader) throws {
    let bytes = header.encoded()
    #expect(bytes.count % 64 == 0)
    #expect(Array(bytes.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    #expect(Int(bytes[8]) | Int(bytes[9]) << 8 == bytes.count - 10)
    #expect(bytes.last == UInt8(ascii: "\n"))
    let (parsed, offset) = try NPYHeader.parse(bytes, file: "x.npy")
    #expect(parsed == header)
    #expect(offset == bytes.count)
  }

  @Test func writesTheDictAsNumPyDoes() {
    let text = String(
      decoding: NPYHeader(descr: "<f4", shape: [12, 4]).encoded().dropFirst(10), as: UTF8.self)
    #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (12, 4), }"))
    let vector = String(
      decoding: NPYHeader(descr: "<i8", shape: [7]).encoded().dropFirst(10), as: UTF8.self)
    #expect(vector.contains("'shape': (7,)"))
  }

  @Test func rejectsOtherFilesNamingTheProblem() {
    #expect(throws: ProposalIOError.malformedNPY(file: "a.npy", reason: "no \\x93NUMPY magic")) {
      try NPYHeader.parse(Data("PK\u{3}\u{4}not numpy".utf8), file: "a.npy")
    }
    var version2 = NPYHeader(descr: "<f4", shape: [1]).encoded()
    version2[6] = 2
    #expect { try NPYHeader.parse(version2, file: "b.npy") } throws: {
      "\($0)".contains("version 2.0")
    }
  }
}
