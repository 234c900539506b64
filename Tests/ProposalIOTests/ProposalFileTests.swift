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

  @Test(arguments: [
    (
      #"{"image": "x.jpg", "boxes": [[0,0,1,1],[5,0,2,4]]}"#,
      "box 1 [5.0, 0.0, 2.0, 4.0] is not a box"
    ),
    (#"{"image": "x.jpg", "boxes": [[0,3,1,1]]}"#, "x1 <= x2 and y1 <= y2"),
    (#"{"image": "x.jpg", "boxes": [[0,0,1e60,1]]}"#, "not valid JSON"),
    (#"{"image": "x.jpg", "width": -3, "boxes": []}"#, "width: -3 is negative"),
    (#"{"image": "x.jpg", "height": -1, "boxes": []}"#, "height: -1 is negative"),
    (#"{"image": "x.jpg", "seconds": -0.5, "boxes": []}"#, "seconds: -0.5 is not a time"),
    (#"{"image": "", "boxes": []}"#, "image: the image name is empty"),
    (#"{"image": "x.jpg", "width": "wide", "boxes": []}"#, "width: expected Int"),
  ])
  func invalidValuesAreRefusedNamingFileLineAndValue(line: String, expected: String) throws {
    let url = try Fixtures.temporaryDirectory().appendingPathComponent("p.jsonl")
    let good = try record.jsonLine()
    try Data((good + "\n" + line + "\n").utf8).write(to: url)
    let error = #expect(throws: ProposalIOError.self) { _ = try ProposalFile.read(contentsOf: url) }
    guard case .malformedLine(let file, let number, let reason)? = error else {
      Issue.record("expected malformedLine, got \(String(describing: error))")
      return
    }
    #expect(file == url.path && number == 2)
    #expect(reason.contains(expected), "\(reason)")
  }

  @Test func aLineOverTheCapStopsTheReadNamingTheLine() throws {
    let url = try Fixtures.temporaryDirectory().appendingPathComponent("p.jsonl")
    let long =
      #"{"image": "big.jpg", "boxes": ["#
      + Array(repeating: "[0,0,1,1]", count: 2000)
      .joined(separator: ",") + "]}"
    try Data((try record.jsonLine() + "\n" + long + "\n").utf8).write(to: url)
    #expect(try ProposalFile.read(contentsOf: url).map(\.proposals.count) == [2, 2000])
    #expect(throws: ProposalIOError.lineTooLong(file: url.path, line: 2, limit: 4096)) {
      _ = try ProposalFile.read(contentsOf: url, maximumLineLength: 4096)
    }
    #expect(throws: ProposalIOError.lineTooLong(file: url.path, line: 2, limit: 4096)) {
      _ = try PrecomputedProposals(contentsOf: url, maximumLineLength: 4096)
    }
  }

  @Test func forEachRecordStreamsWithLineNumbers() throws {
    let url = try Fixtures.temporaryDirectory().appendingPathComponent("p.jsonl")
    try Data(("\n" + (try record.jsonLine()) + "\n  \n" + (try record.jsonLine())).utf8).write(
      to: url)
    var seen: [Int] = []
    try ProposalFile.forEachRecord(in: url) { line, read in
      #expect(read == record)
      seen.append(line)
    }
    #expect(seen == [2, 4])
  }

  @Test func missingFileIsATypedError() {
    #expect(throws: ProposalIOError.self) {
      try ProposalFile.read(contentsOf: URL(fileURLWithPath: "/nonexistent/p.jsonl"))
    }
  }
}
