import Foundation
import ProposalRuns
import Proposals
import RegionKitTestSupport
import Testing

@Suite struct RunFingerprintTests {
  let names = ["a.jpg", "b.jpg", "c/d.png", "e.jpg"]

  func fingerprint(top: Int = 50, names: [String]? = nil, shards: Int = 2) -> RunFingerprint {
    RunFingerprint(
      generator: SlidingWindow(maxProposals: top, seed: 1), maxSide: 800, toolVersion: "0.1.0",
      imageNames: names ?? self.names, shardCount: shards)
  }

  @Test func recordsMethodParametersInputsAndShardSizes() {
    let print = fingerprint()
    #expect(print.method == "sliding-window")
    #expect(print.parameters.contains("maxProposals: 50") && print.parameters.contains("seed: 1"))
    #expect(print.imageCount == 4 && print.shardImageCounts.reduce(0, +) == 4)
    #expect(print.shardImageCounts.count == 2)
    #expect(print == fingerprint())
    #expect(print.imageListHash != fingerprint(names: names.reversed()).imageListHash)
  }

  @Test func claimWritesRunJSONOnceAndAcceptsTheSameSettings() throws {
    let directory = try Fixtures.temporaryDirectory()
    try fingerprint().claim(directory: directory)
    let written = try Data(contentsOf: directory.appendingPathComponent("run.json"))
    try fingerprint().claim(directory: directory)
    #expect(try Data(contentsOf: directory.appendingPathComponent("run.json")) == written)
    #expect(try RunFingerprint.read(directory: directory) == fingerprint())
    // No temporary files are left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["run.json"])
  }

  @Test func claimRefusesOtherSettingsNamingTheField() throws {
    let directory = try Fixtures.temporaryDirectory()
    try fingerprint().claim(directory: directory)
    #expect(
      throws: ProposalRunsError.fingerprintMismatch(
        file: directory.appendingPathComponent("run.json").path, field: "shardCount", expected: "3",
        found: "2")
    ) { try fingerprint(shards: 3).claim(directory: directory) }
    #expect { try fingerprint(top: 51).claim(directory: directory) } throws: {
      "\($0)".contains("\"parameters\"") && "\($0)".contains("refusing to mix")
    }
    #expect { try fingerprint(names: names + ["f.jpg"]).claim(directory: directory) } throws: {
      "\($0)".contains("\"imageCount\"")
    }
  }
}
