import Foundation
import RegionKitTestSupport
import Testing

@testable import ProposalIO

@Suite struct TemporaryFileTests {
  @Test func namesAreRecognisableAndNextToTheDestination() throws {
    let directory = try Fixtures.temporaryDirectory()
    let file = try TemporaryFile(for: directory.appendingPathComponent("p.jsonl"))
    #expect(file.url.deletingLastPathComponent().path == directory.path)
    let name = file.url.lastPathComponent
    #expect(name.hasPrefix(".p.jsonl.tmp-\(getpid())-"), "\(name)")
    #expect(TemporaryFile.isTemporaryName(name))
    for other in [
      "p.jsonl", ".p.jsonl", ".p.jsonl.tmp-", ".p.jsonl.tmp-12-abc", ".p.jsonl.tmp-x1-0badf00d",
      "p.jsonl.tmp-12-0badf00d", "..tmp-12-0badf00d", ".p.jsonl.tmp-12-0badf00d.old",
    ] {
      #expect(!TemporaryFile.isTemporaryName(other), "\(other)")
    }
    #expect(TemporaryFile.isTemporaryName(".p.jsonl.tmp-12-0badf00d"))
  }

  @Test func commitRenamesAndDiscardOrReleaseRemoves() throws {
    let directory = try Fixtures.temporaryDirectory()
    let destination = directory.appendingPathComponent("run.json")
    let file = try TemporaryFile(for: destination)
    try file.write(Data("{}".utf8))
    try file.commit()
    #expect(try Data(contentsOf: destination) == Data("{}".utf8))
    let discarded = try TemporaryFile(for: destination)
    try discarded.write(Data("x".utf8))
    discarded.discard()
    do { _ = try TemporaryFile(for: destination) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["run.json"])
    #expect(try Data(contentsOf: destination) == Data("{}".utf8))
  }

  @Test func staleFilesGoAndLockedOrOtherFilesStay() throws {
    let directory = try Fixtures.temporaryDirectory()
    // What a killed run leaves: a recognisable name nobody holds a lock on.
    let stale = directory.appendingPathComponent(".p.jsonl.tmp-999999-0badf00d")
    try Data("half a record".utf8).write(to: stale)
    let live = try TemporaryFile(for: directory.appendingPathComponent("p.npz"))
    let others = ["p.jsonl", ".hidden", "x.tmp-1-0badf00d"]
    for name in others { try Data().write(to: directory.appendingPathComponent(name)) }
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent(".d.tmp-1-0badf00d"), withIntermediateDirectories: false)

    let removed = TemporaryFile.removeStale(in: directory)
    #expect(removed.map(\.lastPathComponent) == [stale.lastPathComponent])
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
    #expect(left == Set(others + [".d.tmp-1-0badf00d", live.url.lastPathComponent]))
    live.discard()
  }
}

@Suite struct DurableFileTests {
  func makeFile(_ destination: URL, _ text: String) throws -> TemporaryFile {
    let file = try TemporaryFile(for: destination)
    try file.write(Data(text.utf8))
    return file
  }

  func names(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test func aSetReplacesEveryDestination() throws {
    let directory = try Fixtures.temporaryDirectory()
    let a = directory.appendingPathComponent("a.jsonl")
    let b = directory.appendingPathComponent("b.npz")
    try Data("old a".utf8).write(to: a)
    try DurableFile.commit([try makeFile(a, "new a"), try makeFile(b, "new b")])
    #expect(try String(contentsOf: a, encoding: .utf8) == "new a")
    #expect(try String(contentsOf: b, encoding: .utf8) == "new b")
    #expect(try names(directory) == ["a.jsonl", "b.npz"])
  }

  @Test func aFolderInTheWayChangesNothing() throws {
    let directory = try Fixtures.temporaryDirectory()
    let a = directory.appendingPathComponent("a.jsonl")
    let b = directory.appendingPathComponent("b.npz")
    try Data("old a".utf8).write(to: a)
    try FileManager.default.createDirectory(at: b, withIntermediateDirectories: false)
    #expect {
      try DurableFile.commit([try makeFile(a, "new a"), try makeFile(b, "new b")])
    } throws: {
      "\($0)".contains(b.path) && "\($0)".contains("a folder has this name")
    }
    #expect(try String(contentsOf: a, encoding: .utf8) == "old a")
    #expect(try names(directory) == ["a.jsonl", "b.npz"])
  }

  @Test func oneDestinationGivenTwiceIsRefused() throws {
    let directory = try Fixtures.temporaryDirectory()
    let a = directory.appendingPathComponent("a.jsonl")
    #expect(throws: ProposalIOError.self) {
      try DurableFile.commit([try makeFile(a, "one"), try makeFile(a, "two")])
    }
    #expect(try names(directory).isEmpty)
  }

  @Test func aFailedRenameUndoesTheOnesBefore() throws {
    let directory = try Fixtures.temporaryDirectory()
    let a = directory.appendingPathComponent("a.jsonl")
    let b = directory.appendingPathComponent("b.jsonl")
    let c = directory.appendingPathComponent("c.npz")
    try Data("old a".utf8).write(to: a)
    try Data("old c".utf8).write(to: c)
    let files = [try makeFile(a, "new a"), try makeFile(b, "new b"), try makeFile(c, "new c")]
    var calls = 0
    #expect(throws: ProposalIOError.self) {
      try DurableFile.commit(files) { source, destination in
        calls += 1
        guard calls < 3 else {
          errno = EIO
          return -1
        }
        return rename(source, destination)
      }
    }
    #expect(calls == 3)
    #expect(try String(contentsOf: a, encoding: .utf8) == "old a")
    #expect(try String(contentsOf: c, encoding: .utf8) == "old c")
    // b did not exist before and does not now; no temporary file or backup is left.
    #expect(try names(directory) == ["a.jsonl", "c.npz"])
  }
}
