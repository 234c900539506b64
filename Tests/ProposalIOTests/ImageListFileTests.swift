import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

@Suite struct ImageListFileTests {
  @Test func readsOnePathPerLineRelativeToTheList() throws {
    let directory = try Fixtures.temporaryDirectory()
    let list = directory.appendingPathComponent("list.txt")
    try Data("# batch 1\nimages/a.jpg\n\n  b.png  \n/data/c.jpg\n".utf8).write(to: list)
    let images = try ImageListFile.read(contentsOf: list)
    #expect(images.map(\.name) == ["images/a.jpg", "b.png", "/data/c.jpg"])
    #expect(images[0].url.path == directory.appendingPathComponent("images/a.jpg").path)
    #expect(images[2].url.path == "/data/c.jpg")
  }

  @Test func rejectsAPathListedTwiceNamingTheLine() throws {
    let directory = try Fixtures.temporaryDirectory()
    let list = directory.appendingPathComponent("list.txt")
    try Data("a.jpg\nb.jpg\na.jpg\n".utf8).write(to: list)
    #expect(
      throws: ProposalIOError.malformedLine(
        file: list.path, line: 3, reason: "a.jpg is already listed on line 1")
    ) {
      try ImageListFile.read(contentsOf: list)
    }
  }
}
