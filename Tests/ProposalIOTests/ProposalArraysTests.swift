import Boxes
import Foundation
import ProposalIO
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
        proposals: [
          Proposal(box: Box(x1: 1, y1: 1, x2: 9, y2: 9), score: 1, provenance: provenance)
        ]),
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

  /// Writes an archive of the four arrays, any of them replaceable.
  static func writeArrays(
    to url: URL,
    boxes: (NPYHeader, [Float])? = (
      NPYHeader(descr: "<f4", shape: [2, 4]),
      [0, 0, 1, 1, 2, 2, 3, 3]
    ),
    scores: (NPYHeader, [Float])? = (NPYHeader(descr: "<f4", shape: [2]), [0.5, 0.25]),
    imageIDs: (NPYHeader, [Int64])? = (NPYHeader(descr: "<i8", shape: [2]), [0, 1]),
    images: [String] = ["a.jpg", "b.jpg"]
  ) throws {
    func bytes<T>(_ values: [T]) -> Data { values.withUnsafeBytes { Data($0) } }
    let writer = try NPZWriter(url: url)
    if let boxes { try writer.add(name: "boxes", header: boxes.0, data: bytes(boxes.1)) }
    if let scores { try writer.add(name: "scores", header: scores.0, data: bytes(scores.1)) }
    if let imageIDs {
      try writer.add(name: "image_ids", header: imageIDs.0, data: bytes(imageIDs.1))
    }
    let width = images.map(\.unicodeScalars.count).max() ?? 1
    let names = images.flatMap { name in
      name.unicodeScalars.map(\.value)
        + Array(repeating: 0, count: width - name.unicodeScalars.count)
    }
    try writer.add(
      name: "images", header: NPYHeader(descr: "<U\(width)", shape: [images.count]),
      data: bytes(names))
    try writer.finish()
  }

  @Test func readGivesOneRecordPerImage() throws {
    let folder = try Fixtures.temporaryDirectory("proposal-arrays-read")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("p.npz")
    try Self.writeArrays(to: url)
    let records = try ProposalArrays.read(contentsOf: url)
    #expect(records.map(\.image) == ["a.jpg", "b.jpg"])
    #expect(
      records.map { $0.proposals.map(\.box) } == [
        [Box(x1: 0, y1: 0, x2: 1, y2: 1)], [Box(x1: 2, y1: 2, x2: 3, y2: 3)],
      ])
    #expect(records.map { $0.proposals.map(\.score) } == [[0.5], [0.25]])
  }

  /// A name width whose byte size overflows Int is refused, not trapped on.
  @Test func anOverflowingNameWidthIsATypedError() throws {
    let folder = try Fixtures.temporaryDirectory("proposal-arrays-width")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("p.npz")
    let writer = try NPZWriter(url: url)
    for (name, descr, shape, count) in [
      ("boxes", "<f4", [0, 4], 0), ("scores", "<f4", [0], 0), ("image_ids", "<i8", [0], 0),
      ("images", "<U4611686018427387904", [1], 8),
    ] {
      try writer.add(
        name: name, header: NPYHeader(descr: descr, shape: shape), data: Data(count: count))
    }
    try writer.finish()
    #expect(throws: ProposalIOError.self) { _ = try ProposalArrays.read(contentsOf: url) }
  }

  /// Found with the .npz fuzz harness (Fuzz/FuzzNPZ): a `<U0` images array of 10^12 rows has
  /// no bytes to check its shape against, and reading asked for 16 TB of empty names.
  @Test func namesWithoutCharactersAreATypedError() throws {
    let folder = try Fixtures.temporaryDirectory("proposal-arrays-u0")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("p.npz")
    let writer = try NPZWriter(url: url)
    for (name, descr, shape) in [
      ("boxes", "<f4", [0, 4]), ("scores", "<f4", [0]), ("image_ids", "<i8", [0]),
      ("images", "<U0", [1_000_000_000_000]),
    ] {
      try writer.add(name: name, header: NPYHeader(descr: descr, shape: shape), data: Data())
    }
    try writer.finish()
    #expect(
      throws: ProposalIOError.malformedNPY(
        file: url.path, reason: "images is a <U0 array of 1000000000000 names without characters")
    ) { _ = try ProposalArrays.read(contentsOf: url) }
  }

  /// Arrays that are missing, of another type or of shapes that do not fit together are
  /// malformed; so is an image id that names no image.
  @Test(arguments: [
    "no boxes", "float64 scores", "scores of two columns", "three ids", "id out of range",
    "negative id", "overflowing shape",
  ])
  func malformedArraysAreTypedErrors(_ fault: String) throws {
    let folder = try Fixtures.temporaryDirectory("proposal-arrays-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("p.npz")
    switch fault {
    case "no boxes": try Self.writeArrays(to: url, boxes: nil)
    case "float64 scores":
      try Self.writeArrays(to: url, scores: (NPYHeader(descr: "<f8", shape: [1]), [0.5, 0.25]))
    case "scores of two columns":
      try Self.writeArrays(
        to: url, scores: (NPYHeader(descr: "<f4", shape: [2, 2]), [0.5, 0.1, 0.25, 0.2]))
    case "three ids":
      try Self.writeArrays(to: url, imageIDs: (NPYHeader(descr: "<i8", shape: [3]), [0, 1, 1]))
    case "id out of range":
      try Self.writeArrays(to: url, imageIDs: (NPYHeader(descr: "<i8", shape: [2]), [0, 2]))
    case "overflowing shape":
      // The size of this shape overflows Int: a typed error, not a trap.
      try Self.writeArrays(
        to: url, boxes: (NPYHeader(descr: "<f4", shape: [Int.max / 4, 4]), [0, 0, 1, 1]))
    default:
      try Self.writeArrays(to: url, imageIDs: (NPYHeader(descr: "<i8", shape: [2]), [-1, 0]))
    }
    let error = #expect(throws: ProposalIOError.self, "\(fault)") {
      _ = try ProposalArrays.read(contentsOf: url)
    }
    guard case .malformedNPY(let file, _)? = error else {
      Issue.record("\(fault): expected malformedNPY, got \(String(describing: error))")
      return
    }
    // Errors inside the archive name the entry too (`p.npz/boxes.npy`).
    #expect(file == url.path || file == url.path + "/boxes.npy", "\(file)")
  }
}
