import Boxes
import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

@Suite struct ProposalFileTests {
  let record = ProposalRecord(
    image: "a/b.jpg", width: 64, height: 48, seconds: 0.25,
    proposals: [
      Proposal(
        box: Box(x1: 0.5, y1: 1, x2: 30.25, y2: 47), score: 0.9,
        provenance: Provenance(
          method: "selective-search", colorSpace: "hsv", k: 100, strategy: "C+T+S+F", level: 3)),
      Proposal(
        box: Box(x1: 2, y1: 3, x2: 4, y2: 5), score: 0.1,
        provenance: Provenance(method: "sliding-window")),
    ])

  @Test func roundTripIsExact() throws {
    let directory = try Fixtures.temporaryDirectory()
    let url = directory.appendingPathComponent("p.jsonl")
    let failed = ProposalRecord(
      image: "bad.jpg", width: 0, height: 0, proposals: [], error: "truncated")
    try ProposalFile.write([record, failed], to: url)
    let read = try ProposalFile.read(contentsOf: url)
    #expect(read == [record, failed])
  }

  @Test func lineHasTheDocumentedKeys() throws {
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(try record.jsonLine().utf8)) as? [String: Any])
    #expect(
      Set(object.keys) == ["image", "width", "height", "seconds", "boxes", "scores", "provenance"])
    let provenance = try #require((object["provenance"] as? [[String: Any]])?.first)
    #expect(provenance["color_space"] as? String == "hsv")
  }

  @Test func boxesWithoutScoresRankByPosition() throws {
    let directory = try Fixtures.temporaryDirectory()
    let url = directory.appendingPathComponent("other-tool.jsonl")
    try Data(#"{"image": "x.jpg", "boxes": [[0,0,1,1],[1,1,2,2]], "extra": true}"#.utf8).write(
      to: url)
    let read = try ProposalFile.read(contentsOf: url)
    #expect(read[0].proposals.map(\.score) == [2, 1])
    #expect(read[0].proposals[1].box == Box(x1: 1, y1: 1, x2: 2, y2: 2))
  }

  @Test func malformedLinesNameFileAndLine() throws {
    let directory = try Fixtures.temporaryDirectory()
    let cases: [(String, String)] = [
      (#"{"image": "x.jpg", "boxes": [[0,0,1]]}"#, "expected 4"),
      (#"{"image": "x.jpg", "boxes": [[0,0,1,1]], "scores": [1, 2]}"#, "2 scores for 1 boxes"),
      (#"{"boxes": []}"#, "missing key \"image\""),
      (#"{"image": "x.jpg", "boxes": "#, "x.jpg"),
    ]
    for (index, (line, expected)) in cases.enumerated() {
      let url = directory.appendingPathComponent("bad\(index).jsonl")
      try Data(("\n" + line + "\n").utf8).write(to: url)
      do {
        _ = try ProposalFile.read(contentsOf: url)
        Issue.record("no error for \(line)")
      } catch let error as ProposalIOError {
        guard case .malformedLine(let file, let lineNumber, let reason) = error else {
          Issue.record("wrong error \(error)")
          continue
        }
        #expect(file == url.path)
        #expect(lineNumber == 2)
        if index < 3 { #expect(reason.contains(expected), "\(reason)") }
      }
    }
  }

  @Test func missingFileIsATypedError() {
    #expect(throws: ProposalIOError.self) {
      try ProposalFile.read(contentsOf: URL(fileURLWithPath: "/nonexistent/p.jsonl"))
    }
  }
}
