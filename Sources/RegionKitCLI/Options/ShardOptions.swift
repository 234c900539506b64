import ArgumentParser
import Foundation
import ProposalRuns

/// `--shard i/n` and `--shard-count n`: which part of a run this process does.
struct ShardOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "This process's shard as INDEX/COUNT, 0-based (3/8 is the 4th of 8). Default: read from a Slurm array, AWS Batch array or Kubernetes Indexed Job when -o is a folder, else no sharding.",
      valueName: "index/count"))
  var shard: String?

  @Option(
    help: ArgumentHelp(
      "The number of shards, for schedulers that give only an index (a Kubernetes Indexed Job's completions); overrides the scheduler's count.",
      valueName: "count"))
  var shardCount: Int?

  func validate() throws {
    if let shard {
      do {
        _ = try Shard(parsing: shard)
      } catch {
        throw ValidationError("--shard: \(error)")
      }
      if shardCount != nil {
        throw ValidationError("give either --shard INDEX/COUNT or --shard-count, not both")
      }
    }
    if let shardCount, !(1...Shard.maximumCount).contains(shardCount) {
      throw ValidationError(
        "--shard-count must be in 1...\(Shard.maximumCount), got \(shardCount)")
    }
  }

  /// Whether `--shard` or `--shard-count` was given.
  var isGiven: Bool { shard != nil || shardCount != nil }

  /// The shard to run: `--shard`, else the scheduler's (with `--shard-count`), else the whole run.
  func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard
  {
    if let shard { return try Shard(parsing: shard) }
    if let detected = try Shard.fromScheduler(environment: environment, count: shardCount) {
      return detected
    }
    if let shardCount {
      throw ValidationError(
        "--shard-count \(shardCount) needs a shard index: give --shard INDEX/\(shardCount) or run under a scheduler that sets one"
      )
    }
    return .whole
  }
}
