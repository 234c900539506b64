import Foundation
import Proposals
import RegionKitTestSupport
import Testing

/// `regionkit propose --method edge-boxes|segments|combined`: same schema as every method.
@Suite struct ProposeMethodsCommandTests {
  @Test(arguments: ["edge-boxes", "segments", "combined"])
  func methodWritesRankedProposalsWithProvenance(method: String) throws {
    let directory = try Fixtures.temporaryDirectory()
    let output = directory.appendingPathComponent("\(method).jsonl")
    let result = try runRegionKit([
      "propose", Fixtures.url("dataset").path, "--method", method, "--top", "40", "--max-side", "160",
      "--jobs", "1", "--quiet", "-o", output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let records = try ProposalFile.read(contentsOf: output)
    #expect(!records.isEmpty)
    for record in records {
      #expect(record.error == nil)
      #expect(!record.proposals.isEmpty && record.proposals.count <= 40)
      #expect(zip(record.proposals, record.proposals.dropFirst()).allSatisfy { $0.score >= $1.score })
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
      "propose", Fixtures.url("dataset").path, "--method", "combined", "--combine", "edge-boxes,nonsense",
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
        "--max-side", "160", "--jobs", "1", "--quiet", "--edge-boxes-max-refined", budget,
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
