import Boxes
import Foundation
import Proposals
import RegionKitTestSupport
import Testing

@Suite struct ProposalArraysTests {
  @Test func inMemoryNPZMatchesTheRecords() throws {
    let provenance = Provenance(method: "test")
    let records = [
      ProposalRecord(
        image: "a.jpg", width: 10, height: 10,
        proposals: [
          Proposal(box: Box(x1: 0, y1: 1, x2: 2, y2: 3), score: 0.5, provenance: provenance),
          Proposal(box: Box(x1: 4, y1: 5, x2: 6, y2: 7.5), score: 0.25, provenance: provenance),
        ]),
      ProposalRecord(image: "broken.jpg", width: 0, height: 0, proposals: [], error: "truncated"),
      ProposalRecord(
        image: "ü.png", width: 10, height: 10,
        proposals: [Proposal(box: Box(x1: 1, y1: 1, x2: 9, y2: 9), score: 1, provenance: provenance)]),
    ]
    let url = try Fixtures.temporaryDirectory().appendingPathComponent("p.npz")
    try ProposalArrays.write(records, to: url)
    let arrays = try NPZReader.read(contentsOf: url)
    let boxes = try #require(arrays["boxes"])
    #expect(boxes.header == NPYHeader(descr: "<f4", shape: [3, 4]))
    let floats = boxes.data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
      .map { Float(bitPattern: UInt32(littleEndian: $0)) }
    #expect(floats == [0, 1, 2, 3, 4, 5, 6, 7.5, 1, 1, 9, 9])
    let ids = try #require(arrays["image_ids"])
    #expect(ids.data.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } == [0, 0, 2])
    let scores = try #require(arrays["scores"])
    #expect(scores.data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } == [0.5, 0.25, 1])
    let images = try #require(arrays["images"])
    #expect(images.header == NPYHeader(descr: "<U10", shape: [3]))
    let last = images.data.suffix(40).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
      .filter { $0 != 0 }.compactMap(Unicode.Scalar.init)
    #expect(String(String.UnicodeScalarView(last)) == "ü.png")
  }
}
