import Foundation
import ProposalRuns
import Testing

@Suite struct ShardTests {
  @Test func fnv1aMatchesPublishedTestVectors() {
    // FNV-1a 64 test vectors from the FNV reference (draft-eastlake-fnv, test suite).
    #expect(FNV1a64.hash("") == 0xcbf2_9ce4_8422_2325)
    #expect(FNV1a64.hash("a") == 0xaf63_dc4c_8601_ec8c)
    #expect(FNV1a64.hash("foobar") == 0x8594_4171_f739_67e8)
  }

  @Test func parsesIndexSlashCount() throws {
    let shard = try Shard(parsing: "3/8")
    #expect(shard.index == 3 && shard.count == 8)
    #expect(shard.description == "3/8")
    #expect(shard.fileName == "shard-00003-of-00008.jsonl")
    #expect(shard.partialFileName == "shard-00003-of-00008.jsonl.partial")
  }

  @Test(arguments: ["8/8", "-1/4", "1/0", "3", "a/b", "1/2/3", ""])
  func rejectsInvalidShards(text: String) {
    #expect(throws: ProposalRunsError.self) { try Shard(parsing: text) }
  }

  @Test func everyImageBelongsToExactlyOneShardAndAddingImagesMovesNone() throws {
    let names = (0..<500).map { "images/\(String(format: "%06d", $0)).jpg" }
    let shards = try (0..<7).map { try Shard(index: $0, count: 7) }
    var counts = [Int](repeating: 0, count: 7)
    for name in names {
      let owners = shards.filter { $0.contains(name) }
      #expect(owners.count == 1)
      counts[owners[0].index] += 1
    }
    // A hash spreads names evenly: 500 / 7 ≈ 71 each; allow wide statistical slack.
    #expect(counts.allSatisfy { $0 > 40 && $0 < 105 }, "\(counts)")
    // The owner depends on the name only, never on the other names.
    let before = names.map { Shard.index(of: $0, count: 7) }
    let more = names + (0..<100).map { "new/\($0).png" }
    #expect(Array(more.prefix(names.count).map { Shard.index(of: $0, count: 7) }) == before)
  }

  @Test func readsSlurmArraysCountingFromTheirMinimum() throws {
    let zeroBased = try Shard.fromScheduler(
      environment: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"])
    #expect(zeroBased == (try Shard(index: 2, count: 4)))
    let oneBased = try Shard.fromScheduler(
      environment: [
        "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1",
      ])
    #expect(oneBased == (try Shard(index: 3, count: 4)))
  }

  @Test func readsAWSBatchArraysAndKubernetesIndexedJobs() throws {
    let aws = try Shard.fromScheduler(
      environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "5", "AWS_BATCH_JOB_ARRAY_SIZE": "10"])
    #expect(aws == (try Shard(index: 5, count: 10)))
    let kubernetes = try Shard.fromScheduler(environment: ["JOB_COMPLETION_INDEX": "1"], count: 3)
    #expect(kubernetes == (try Shard(index: 1, count: 3)))
    #expect(try Shard.fromScheduler(environment: ["HOME": "/root"]) == nil)
  }

  @Test func schedulerErrorsNameTheVariable() {
    #expect {
      try Shard.fromScheduler(environment: ["JOB_COMPLETION_INDEX": "1"])
    } throws: { "\($0)".contains("JOB_COMPLETION_INDEX=1") && "\($0)".contains("--shard-count") }
    #expect {
      try Shard.fromScheduler(environment: [
        "SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "2",
      ])
    } throws: { "\($0)".contains("SLURM_ARRAY_TASK_ID=x") }
    #expect(throws: ProposalRunsError.self) {
      try Shard.fromScheduler(environment: [
        "AWS_BATCH_JOB_ARRAY_INDEX": "4", "AWS_BATCH_JOB_ARRAY_SIZE": "4",
      ])
    }
  }
}
