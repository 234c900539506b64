import Foundation

/// One part of a run split over `count` processes: which images it owns and which file it writes.
///
/// An image belongs to shard `FNV-1a-64(name) mod count`, where `name` is the image's name as
/// recorded (the file name relative to the dataset's images folder, or the path as written in a
/// file list). The assignment depends only on the name, so it is the same on every machine, and
/// adding images to a dataset never moves the others to another shard. Indices are 0-based:
/// `Shard(index: 3, count: 8)` is the fourth of eight and writes `shard-00003-of-00008.jsonl`.
///
///     let shard = try Shard(parsing: "3/8")
///     let mine = images.filter { shard.contains($0.name) }
///
/// - Parameters:
///   - index: This shard's number, `0 ..< count`.
///   - count: The number of shards, `1 ... maximumCount`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  /// The whole run as one shard (`0/1`).
  public static let whole = Shard(validIndex: 0, count: 1)

  /// The most shards a run can have: 100 000 (the file names' five digits, plus one).
  public static let maximumCount = 100_000

  /// - Throws: ``ProposalRunsError/invalidShard(value:reason:)`` unless `0 <= index < count`
  ///   and `1 <= count <= maximumCount`.
  public init(index: Int, count: Int) throws {
    guard count >= 1, count <= Self.maximumCount else {
      throw ProposalRunsError.invalidShard(
        value: "\(index)/\(count)", reason: "the count must be in 1...\(Self.maximumCount)")
    }
    guard index >= 0, index < count else {
      throw ProposalRunsError.invalidShard(
        value: "\(index)/\(count)",
        reason: "the index must be in 0...\(count - 1) (indices are 0-based)")
    }
    self.init(validIndex: index, count: count)
  }

  private init(validIndex: Int, count: Int) {
    self.index = validIndex
    self.count = count
  }

  /// Parses `"i/n"`, e.g. `"3/8"`.
  ///
  /// - Throws: ``ProposalRunsError/invalidShard(value:reason:)`` for anything else.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
      throw ProposalRunsError.invalidShard(value: text, reason: "expected INDEX/COUNT, e.g. 3/8")
    }
    try self.init(index: index, count: count)
  }

  /// `"i/n"`.
  public var description: String { "\(index)/\(count)" }

  /// The shard that owns an image named `name` among `count` shards (a count below 1 counts
  /// as 1).
  public static func index(of name: String, count: Int) -> Int {
    Int(FNV1a64.hash(name) % UInt64(max(1, count)))
  }

  /// Whether this shard owns the image named `name`.
  public func contains(_ name: String) -> Bool {
    Self.index(of: name, count: count) == index
  }

  /// The completed shard's file name, `shard-00003-of-00008.jsonl`.
  public var fileName: String {
    String(format: "shard-%05d-of-%05d.jsonl", index, count)
  }

  /// The file the shard appends to while it runs: ``fileName`` + `.partial`.
  public var partialFileName: String { fileName + ".partial" }

  /// The shard a batch scheduler assigned to this process, read from its environment.
  ///
  /// Recognised, in this order:
  /// - Slurm job arrays: `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`; the index is
  ///   counted from `SLURM_ARRAY_TASK_MIN` when set, so `--array=1-8` and `--array=0-7` both
  ///   give shards 0...7.
  /// - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX` and `AWS_BATCH_JOB_ARRAY_SIZE`.
  /// - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`; Kubernetes does not export the number
  ///   of completions, so `count` must be given (the Job's `completions`).
  ///
  /// - Parameters:
  ///   - environment: The variables. Default: this process's environment.
  ///   - count: The number of shards when known from elsewhere (`--shard-count`); it overrides
  ///     the scheduler's count. Default: `nil`.
  /// - Returns: The shard, or `nil` when no scheduler variable is set.
  /// - Throws: ``ProposalRunsError/invalidShard(value:reason:)`` when a variable is not a number,
  ///   the count is missing, or the index is out of range.
  public static func fromScheduler(
    environment: [String: String] = ProcessInfo.processInfo.environment, count: Int? = nil
  ) throws -> Shard? {
    func number(_ name: String) throws -> Int? {
      guard let text = environment[name] else { return nil }
      guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
        throw ProposalRunsError.invalidShard(value: "\(name)=\(text)", reason: "not an integer")
      }
      return value
    }
    if let task = try number("SLURM_ARRAY_TASK_ID") {
      let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
      guard let total = try count ?? number("SLURM_ARRAY_TASK_COUNT") else {
        throw ProposalRunsError.invalidShard(
          value: "SLURM_ARRAY_TASK_ID=\(task)",
          reason: "SLURM_ARRAY_TASK_COUNT is not set; give --shard-count")
      }
      return try Shard(index: task - minimum, count: total)
    }
    if let index = try number("AWS_BATCH_JOB_ARRAY_INDEX") {
      guard let total = try count ?? number("AWS_BATCH_JOB_ARRAY_SIZE") else {
        throw ProposalRunsError.invalidShard(
          value: "AWS_BATCH_JOB_ARRAY_INDEX=\(index)",
          reason: "AWS_BATCH_JOB_ARRAY_SIZE is not set; give --shard-count (the array size)")
      }
      return try Shard(index: index, count: total)
    }
    if let index = try number("JOB_COMPLETION_INDEX") {
      guard let count else {
        throw ProposalRunsError.invalidShard(
          value: "JOB_COMPLETION_INDEX=\(index)",
          reason:
            "Kubernetes does not export the completion count; give --shard-count (the Job's completions)"
        )
      }
      return try Shard(index: index, count: count)
    }
    return nil
  }
}
