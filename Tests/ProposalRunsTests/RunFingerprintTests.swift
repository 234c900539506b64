import Foundation
import ProposalIO
import ProposalRuns
import Proposals
import RegionKitTestSupport
import Testing

@Suite struct RunFingerprintTests {
  let names = ["a.jpg", "b.jpg", "c/d.png", "e.jpg"]

  func fingerprint(top: Int = 50, names: [String]? = nil, shards: Int = 2) throws
    -> RunFingerprint
  {
    try RunFingerprint(
      generator: SlidingWindow(maxProposals: top, seed: 1), maxSide: 800, toolVersion: "0.1.0",
      imageNames: names ?? self.names, shardCount: shards)
  }

  @Test func recordsMethodParametersInputsAndShardSizes() throws {
    let print = try fingerprint()
    #expect(print.method == "sliding-window")
    #expect(print.parameters.contains("maxProposals: 50") && print.parameters.contains("seed: 1"))
    #expect(print.parameters.hasPrefix("Proposals.SlidingWindow("))
    #expect(print.imageCount == 4 && print.shardImageCounts.reduce(0, +) == 4)
    #expect(print.shardImageCounts.count == 2)
    #expect(try print == fingerprint())
    #expect(try print.imageListHash != fingerprint(names: names.reversed()).imageListHash)
  }

  /// Threads (and jobs, which the fingerprint never sees) do not change the boxes, so shards
  /// run on machines with other core counts, or resumed with another --jobs, belong together.
  @Test func threadCountsAreNotPartOfTheFingerprint() throws {
    func print(_ generator: any ProposalGenerator) throws -> RunFingerprint {
      try RunFingerprint(
        generator: generator, maxSide: nil, toolVersion: "t", imageNames: names, shardCount: 3)
    }
    let one = try print(SelectiveSearch(mode: .fast, seed: 2, threads: 1))
    let four = try print(SelectiveSearch(mode: .fast, seed: 2, threads: 4))
    #expect(one == four)
    #expect(!one.parameters.contains("threads"))
    #expect(one.parameters.contains("seed: 2") && one.parameters.contains("sigma: 0.8"))
    #expect(try print(SelectiveSearch(mode: .quality, seed: 2, threads: 1)) != one)
    #expect(try print(SelectiveSearch(mode: .fast, seed: 3, threads: 1)) != one)
    // Nested generators lose their thread counts too.
    let combined = { (threads: Int) in
      CombinedGenerator([SelectiveSearch(threads: threads), SlidingWindow()], iouThreshold: 0.8)
    }
    #expect(try print(combined(1)) == print(combined(2)))
    #expect(try print(combined(1)).parameters.contains("Proposals.SlidingWindow("))
  }

  @Test func imageNamesGivenTwiceAreATypedErrorListingThem() {
    #expect(throws: ProposalRunsError.duplicateImageNames(names: ["a.jpg", "c/d.png"])) {
      _ = try fingerprint(names: names + ["c/d.png", "a.jpg", "a.jpg"])
    }
    #expect(
      ProposalRunsError.duplicateImageNames(names: ["a.jpg"]).description.contains(
        "1 image name is used by more than one input image: a.jpg"))
  }

  @Test(arguments: [0, -1, Shard.maximumCount + 1])
  func shardCountsOutOfRangeAreTypedErrors(count: Int) {
    #expect(throws: ProposalRunsError.self) { _ = try fingerprint(shards: count) }
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

  @Test func claimRemovesTemporaryFilesOfKilledRuns() throws {
    let directory = try Fixtures.temporaryDirectory()
    try Data("{".utf8).write(to: directory.appendingPathComponent(".run.json.tmp-999999-12345678"))
    try Data().write(to: directory.appendingPathComponent(".proposals.npz.tmp-4-abcdef01"))
    try fingerprint().claim(directory: directory)
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

  /// `run.json` edited or damaged: every value is checked, and the error names the key and the
  /// value (no trap on counts that disagree, a huge shard count or a wrong type).
  @Test(arguments: [
    ("shardCount", "3", "shardImageCounts", "a list of 2 counts"),
    ("shardCount", "1000000000", "shardCount", "1000000000"),
    ("shardCount", "0", "shardCount", "0"),
    ("imageCount", "5", "shardImageCounts", "a list adding up to 4"),
    ("imageCount", "-4", "imageCount", "-4"),
    ("imageCount", "\"four\"", "imageCount", "\"four\""),
    ("shardImageCounts", "[5, -1]", "shardImageCounts[1]", "-1"),
    ("shardImageCounts", "[9223372036854775807, 9]", "shardImageCounts", "more than 4"),
    ("shardImageCounts", "null", "shardImageCounts", "null"),
    ("maxSide", "0", "maxSide", "0"),
    ("imageListHash", "\"../etc\"", "imageListHash", "\"../etc\""),
    ("method", "\"\"", "method", "\"\""),
    ("method", "12", "method", "12"),
  ])
  func invalidRunFilesAreTypedErrorsNamingKeyAndValue(
    key: String, value: String, reportedKey: String, reportedValue: String
  ) throws {
    let directory = try Fixtures.temporaryDirectory()
    try fingerprint().claim(directory: directory)
    let url = directory.appendingPathComponent("run.json")
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    object[key] = try JSONSerialization.jsonObject(
      with: Data(value.utf8), options: .fragmentsAllowed)
    try JSONSerialization.data(withJSONObject: object).write(to: url)
    let error = #expect(throws: ProposalRunsError.self) {
      _ = try RunFingerprint.read(directory: directory)
    }
    guard case .invalidRunFile(let file, let foundKey, let foundValue, _)? = error else {
      Issue.record("expected invalidRunFile, got \(String(describing: error))")
      return
    }
    #expect(file == url.path)
    #expect(foundKey == reportedKey)
    #expect(foundValue.contains(reportedValue), "\(foundValue)")
  }

  @Test func aMissingKeyIsNamed() throws {
    let directory = try Fixtures.temporaryDirectory()
    try Data(#"{"method": "x"}"#.utf8).write(to: directory.appendingPathComponent("run.json"))
    #expect {
      _ = try RunFingerprint.read(directory: directory)
    } throws: {
      guard case .invalidRunFile(_, _, "missing", _) = $0 as? ProposalRunsError else {
        return false
      }
      return true
    }
  }
}
