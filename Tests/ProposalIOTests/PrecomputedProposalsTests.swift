import Boxes
import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

/// Proposals files read by image name: `.jsonl` (with image sizes, rescaled on request) and
/// `.npz` (no sizes), and their malformed contents.
@Suite struct PrecomputedProposalsTests {
  static let provenance = Provenance(method: "test")

  static func proposal(_ x1: Float, _ y1: Float, _ x2: Float, _ y2: Float, score: Float = 1)
    -> Proposal
  {
    Proposal(box: Box(x1: x1, y1: y1, x2: x2, y2: y2), score: score, provenance: provenance)
  }

  static let records = [
    ProposalRecord(
      image: "b/000002.jpg", width: 100, height: 50,
      proposals: [
        proposal(10, 10, 50, 40, score: 0.9), proposal(0, 0, 100, 50, score: 0.5),
        proposal(20, 5, 30, 45, score: 0.25),
      ]),
    ProposalRecord(
      image: "a.jpg", width: 40, height: 40, proposals: [proposal(1, 2, 3, 4, score: 0.7)]),
    ProposalRecord(image: "empty.jpg", width: 40, height: 40, proposals: []),
  ]

  @Test func jsonLinesAreReadByNameAndRescaled() throws {
    let folder = try Fixtures.temporaryDirectory("precomputed-jsonl")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("proposals.jsonl")
    try ProposalFile.write(Self.records, to: url)
    let file = try PrecomputedProposals(contentsOf: url)
    #expect(file.url == url)
    #expect(file.imageNames == ["a.jpg", "b/000002.jpg", "empty.jpg"])
    // At the recorded size the boxes come back as stored, best first.
    #expect(
      file.proposals(forImage: "b/000002.jpg", width: 100, height: 50) == Self.records[0].proposals)
    // At twice the width and half the height the boxes follow.
    let scaled = try #require(file.proposals(forImage: "b/000002.jpg", width: 200, height: 25))
    #expect(
      scaled.map(\.box) == [
        Box(x1: 20, y1: 5, x2: 100, y2: 20), Box(x1: 0, y1: 0, x2: 200, y2: 25),
        Box(x1: 40, y1: 2.5, x2: 60, y2: 22.5),
      ])
    #expect(scaled.map(\.score) == [0.9, 0.5, 0.25])
    #expect(file.proposals(forImage: "empty.jpg", width: 40, height: 40) == [])
    #expect(file.proposals(forImage: "missing.jpg", width: 40, height: 40) == nil)
    // Names are matched exactly, directories included.
    #expect(file.proposals(forImage: "000002.jpg", width: 100, height: 50) == nil)
  }

  @Test func npzRoundTripsThroughWriteAndRead() throws {
    let folder = try Fixtures.temporaryDirectory("precomputed-npz")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("proposals.npz")
    try ProposalArrays.write(Self.records, to: url)
    let read = try ProposalArrays.read(contentsOf: url)
    #expect(read.map(\.image) == Self.records.map(\.image))
    for (back, record) in zip(read, Self.records) {
      #expect(back.proposals.map(\.box) == record.proposals.map(\.box), "\(record.image)")
      #expect(back.proposals.map(\.score) == record.proposals.map(\.score), "\(record.image)")
      // The arrays hold no image sizes.
      #expect(back.width == 0 && back.height == 0)
    }
    // Written again, the file is the same.
    let again = folder.appendingPathComponent("again.npz")
    try ProposalArrays.write(read, to: again)
    #expect(try ProposalArrays.read(contentsOf: again).map(\.proposals.count) == [3, 1, 0])

    let file = try PrecomputedProposals(contentsOf: url)
    #expect(file.imageNames == ["a.jpg", "b/000002.jpg", "empty.jpg"])
    // Without sizes, boxes are taken to be in the pixels of the size asked for.
    #expect(
      file.proposals(forImage: "b/000002.jpg", width: 200, height: 25)?.map(\.box)
        == Self.records[0].proposals.map(\.box))
    #expect(file.proposals(forImage: "empty.jpg", width: 1, height: 1) == [])
    #expect(file.proposals(forImage: "c.jpg", width: 1, height: 1) == nil)
  }

  /// An empty run (no images) gives an empty file and no names.
  @Test func emptyFilesHaveNoImages() throws {
    let folder = try Fixtures.temporaryDirectory("precomputed-empty")
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["empty.npz", "empty.jsonl"] {
      let url = folder.appendingPathComponent(name)
      if name.hasSuffix(".npz") {
        try ProposalArrays.write([], to: url)
      } else {
        try ProposalFile.write([], to: url)
      }
      #expect(try PrecomputedProposals(contentsOf: url).imageNames.isEmpty, "\(name)")
    }
  }

  /// Bad records, each written as a `.npz` and, when JSON can hold it, as `.jsonl`.
  static let badRecords: [(String, [ProposalRecord])] = [
    (
      "duplicate image",
      [
        ProposalRecord(image: "a.jpg", width: 10, height: 10, proposals: [proposal(1, 1, 2, 2)]),
        ProposalRecord(image: "b.jpg", width: 10, height: 10, proposals: []),
        ProposalRecord(image: "a.jpg", width: 10, height: 10, proposals: [proposal(3, 3, 4, 4)]),
      ]
    ),
    (
      "inverted box",
      [
        ProposalRecord(image: "a.jpg", width: 10, height: 10, proposals: [proposal(1, 1, 2, 2)]),
        ProposalRecord(image: "b.jpg", width: 10, height: 10, proposals: [proposal(5, 1, 2, 8)]),
      ]
    ),
    (
      "inverted height",
      [ProposalRecord(image: "a.jpg", width: 10, height: 10, proposals: [proposal(1, 9, 2, 8)])]
    ),
    (
      "NaN box",
      [
        ProposalRecord(
          image: "a.jpg", width: 10, height: 10, proposals: [proposal(1, .nan, 2, 8)])
      ]
    ),
    (
      "infinite box",
      [
        ProposalRecord(
          image: "a.jpg", width: 10, height: 10, proposals: [proposal(1, 1, .infinity, 8)])
      ]
    ),
  ]

  @Test(arguments: 0..<5)
  func malformedNPZContentsAreTypedErrors(_ index: Int) throws {
    let (name, records) = Self.badRecords[index]
    let folder = try Fixtures.temporaryDirectory("precomputed-bad-npz")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bad.npz")
    try ProposalArrays.write(records, to: url)
    let error = #expect(throws: ProposalIOError.self, "\(name)") {
      _ = try PrecomputedProposals(contentsOf: url)
    }
    guard case .malformedNPY(let file, let reason)? = error else {
      Issue.record("\(name): expected malformedNPY, got \(String(describing: error))")
      return
    }
    #expect(file == url.path)
    #expect(reason.contains(name == "duplicate image" ? "a.jpg" : "box"), "\(reason)")
  }

  @Test(arguments: 0..<3)
  func malformedJSONLinesAreTypedErrorsNamingTheLine(_ index: Int) throws {
    let (name, records) = Self.badRecords[index]
    let folder = try Fixtures.temporaryDirectory("precomputed-bad-jsonl")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bad.jsonl")
    try ProposalFile.write(records, to: url)
    let error = #expect(throws: ProposalIOError.self, "\(name)") {
      _ = try PrecomputedProposals(contentsOf: url)
    }
    guard case .malformedLine(let file, let line, let reason)? = error else {
      Issue.record("\(name): expected malformedLine, got \(String(describing: error))")
      return
    }
    #expect(file == url.path)
    #expect(line == records.count, "\(name): \(reason)")
  }

  /// JSON has no NaN; a number too large for a Float is as bad.
  @Test func nonFiniteJSONNumbersAreTypedErrors() throws {
    let folder = try Fixtures.temporaryDirectory("precomputed-bad-number")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bad.jsonl")
    try Data(
      #"{"image": "a.jpg", "width": 10, "height": 10, "boxes": [[1, 1, 1e60, 2]]}"#.utf8
    ).write(to: url)
    let error = #expect(throws: ProposalIOError.self) {
      _ = try PrecomputedProposals(contentsOf: url)
    }
    guard case .malformedLine(let file, let line, _)? = error else {
      Issue.record("expected malformedLine, got \(String(describing: error))")
      return
    }
    #expect(file == url.path && line == 1)
  }

  @Test(arguments: ["proposals.json", "proposals.npy", "proposals", "proposals.csv"])
  func otherExtensionsAreUnreadable(_ name: String) throws {
    let folder = try Fixtures.temporaryDirectory("precomputed-extension")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent(name)
    try ProposalFile.write(Self.records, to: url)
    let error = #expect(throws: ProposalIOError.self) {
      _ = try PrecomputedProposals(contentsOf: url)
    }
    guard case .unreadable(let file, let reason)? = error else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
    #expect(file == url.path && reason.contains(".jsonl") && reason.contains(".npz"))
  }

  @Test func missingFilesAreUnreadable() throws {
    let folder = try Fixtures.temporaryDirectory("precomputed-missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["gone.jsonl", "gone.npz"] {
      let url = folder.appendingPathComponent(name)
      #expect(throws: ProposalIOError.self, "\(name)") {
        _ = try PrecomputedProposals(contentsOf: url)
      }
    }
  }
}
