import Foundation
import Proposals
import RegionKitTestSupport
import Testing

@Suite struct ProposeCommandTests {
  @Test func proposesForADatasetAndRecordsBadImagesWithoutStopping() throws {
    let directory = try Fixtures.temporaryDirectory()
    let images = directory.appendingPathComponent("images")
    try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: Fixtures.url("dataset/images/chelsea.png"), to: images.appendingPathComponent("a.png"))
    let jpeg = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    try jpeg.prefix(jpeg.count / 2).write(to: images.appendingPathComponent("b-truncated.jpg"))
    try FileManager.default.copyItem(
      at: Fixtures.url("dataset/images/coffee.png"), to: images.appendingPathComponent("c.png"))
    let output = directory.appendingPathComponent("p.jsonl")
    let drawn = directory.appendingPathComponent("drawn")

    let result = try runRegionKit([
      "propose", directory.path, "--top", "50", "--seed", "3", "--jobs", "2", "-o", output.path,
      "--draw", drawn.path, "--quiet",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("2 images, 100 proposals"))
    #expect(result.stderr.contains("b-truncated.jpg"))
    let records = try ProposalFile.read(contentsOf: output)
    #expect(records.map(\.image) == ["a.png", "b-truncated.jpg", "c.png"])
    #expect(records[1].error?.contains("truncated") == true)
    #expect(records[0].proposals.count == 50 && records[0].width == 451)
    #expect(FileManager.default.fileExists(atPath: drawn.appendingPathComponent("a.png").path))

    let strict = try runRegionKit(["propose", directory.path, "--strict", "--quiet", "-o", output.path])
    #expect(strict.exitCode == 1)
  }

  @Test func outputIsIdenticalForAnyNumberOfJobs() throws {
    let directory = try Fixtures.temporaryDirectory()
    var outputs: [String] = []
    for jobs in ["1", "2"] {
      let output = directory.appendingPathComponent("p\(jobs).jsonl")
      let result = try runRegionKit([
        "propose", Fixtures.url("dataset").path, "--jobs", jobs, "--top", "30", "--quiet", "-o", output.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
      // Drop the timing, which differs run to run.
      let records = try ProposalFile.read(contentsOf: output).map { record -> ProposalRecord in
        var copy = record
        copy.seconds = nil
        return copy
      }
      outputs.append(try records.map { try $0.jsonLine() }.joined(separator: "\n"))
    }
    #expect(outputs[0] == outputs[1])
  }
}
