import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

/// `regionkit propose --method edge-boxes|segments|combined`: same schema as every method.
@Suite struct ProposeMethodsCommandTests {
  @Test(arguments: ["edge-boxes", "segments", "combined"])
  func methodWritesRankedProposalsWithProvenance(method: String) throws {
    let directory = try Fixtures.temporaryDirectory()
    let output = directory.appendingPathComponent("\(method).jsonl")
    let result = try runRegionKit([
      "propose", Fixtures.url("dataset").path, "--method", method, "--top", "40", "--max-side",
      "160",
      "--jobs", "1", "--no-progress", "-o", output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let records = try ProposalFile.read(contentsOf: output)
    #expect(!records.isEmpty)
    for record in records {
      #expect(record.error == nil)
      #expect(!record.proposals.isEmpty && record.proposals.count <= 40)
      #expect(
        zip(record.proposals, record.proposals.dropFirst()).allSatisfy { $0.score >= $1.score })
      for proposal in record.proposals {
        #expect(proposal.box.x1 >= 0 && proposal.box.y1 >= 0)
        #expect(proposal.box.x2 <= Float(record.width) && proposal.box.y2 <= Float(record.height))
      }
    }
    let methods = Set(records.flatMap { $0.proposals.map(\.provenance.method) })
    if method == "combined" {
      #expect(methods == ["selective-search", "edge-boxes"])
    } else {
      #expect(methods == [method])
    }
  }

  @Test func badCombinationIsRefused() throws {
    let result = try runRegionKit([
      "propose", Fixtures.url("dataset").path, "--method", "combined", "--combine",
      "edge-boxes,nonsense",
      "-o", "/dev/null",
    ])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("nonsense"))
  }

  @Test func edgeBoxesRefinementBudgetIsAnOption() throws {
    let directory = try Fixtures.temporaryDirectory()
    func propose(budget: String) throws -> (CommandResult, [ProposalRecord]) {
      let output = directory.appendingPathComponent("budget\(budget).jsonl")
      let result = try runRegionKit([
        "propose", Fixtures.url("dataset").path, "--method", "edge-boxes", "--top", "40",
        "--max-side", "160", "--jobs", "1", "--no-progress", "--edge-boxes-max-refined", budget,
        "-o", output.path,
      ])
      return (result, result.exitCode == 0 ? try ProposalFile.read(contentsOf: output) : [])
    }
    let (refused, _) = try propose(budget: "-1")
    #expect(refused.exitCode != 0)
    #expect(refused.stderr.contains("--edge-boxes-max-refined"))
    let (unrefined, coarse) = try propose(budget: "0")
    let (_, refined) = try propose(budget: "1000")
    #expect(unrefined.exitCode == 0, "\(unrefined.stderr)")
    #expect(!coarse.isEmpty && coarse.map(\.image) == refined.map(\.image))
    #expect(coarse.map { $0.proposals.map(\.box) } != refined.map { $0.proposals.map(\.box) })
  }
}

/// Issue #11's command line: `regionkit propose DATASET --method selective-search --mode fast
/// --top N --seed S --jobs J -o proposals.jsonl --draw DIR`.
@Suite struct ProposeSelectiveSearchCommandTests {
  func propose(seed: String, jobs: String, draw: URL? = nil) throws -> [ProposalRecord] {
    let output = try Fixtures.temporaryDirectory().appendingPathComponent("ss.jsonl")
    let result = try runRegionKit(
      [
        "propose", Fixtures.url("dataset").path, "--method", "selective-search", "--mode", "fast",
        "--top", "50", "--seed", seed, "--jobs", jobs, "--max-side", "200", "--no-progress", "-o",
        output.path,
      ] + (draw.map { ["--draw", $0.path] } ?? []))
    #expect(result.exitCode == 0, "\(result.stderr)")
    return try ProposalFile.read(contentsOf: output)
  }

  @Test func fastModeWritesScoredProposalsWithTheirStrategy() throws {
    let drawn = try Fixtures.temporaryDirectory().appendingPathComponent("drawn")
    let records = try propose(seed: "7", jobs: "2", draw: drawn)
    #expect(records.count == 4)
    for record in records {
      #expect(record.error == nil && record.seconds.map { $0 > 0 } == true)
      #expect(record.proposals.count == 50, "\(record.image)")
      let scores = record.proposals.map(\.score)
      #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
      #expect(Set(record.proposals.map(\.box)).count == record.proposals.count)
      for proposal in record.proposals {
        // The paper's fast mode: HSV and Lab, k = 50 and 100, C+T+S+F and T+S+F.
        #expect(["hsv", "lab"].contains(proposal.provenance.colorSpace ?? ""))
        #expect([50, 100].contains(proposal.provenance.k ?? 0))
        #expect(["C+T+S+F", "T+S+F"].contains(proposal.provenance.strategy ?? ""))
        #expect((proposal.provenance.level ?? 0) >= 1)
        #expect(proposal.box.x2 <= Float(record.width) && proposal.box.y2 <= Float(record.height))
      }
      let stem = URL(fileURLWithPath: record.image).deletingPathExtension().lastPathComponent
      let picture = drawn.appendingPathComponent(stem + ".png")
      #expect(FileManager.default.fileExists(atPath: picture.path), "\(picture.path)")
    }
    // All eight strategies of fast mode contribute (the single preset would give one).
    let provenance = records.flatMap { $0.proposals.map(\.provenance) }
    #expect(Set(provenance.compactMap(\.colorSpace)) == ["hsv", "lab"])
    #expect(Set(provenance.compactMap(\.k)) == [50, 100])
    #expect(Set(provenance.compactMap(\.strategy)) == ["C+T+S+F", "T+S+F"])
  }

  @Test func sameSeedSameProposalsForAnyJobsOtherSeedOtherOrder() throws {
    let boxes = { (records: [ProposalRecord]) in records.map { $0.proposals.map(\.box) } }
    let one = try propose(seed: "7", jobs: "1")
    let two = try propose(seed: "7", jobs: "2")
    #expect(boxes(one) == boxes(two))
    #expect(one.map { $0.proposals.map(\.score) } == two.map { $0.proposals.map(\.score) })
    #expect(boxes(try propose(seed: "8", jobs: "2")) != boxes(one))
  }
}
