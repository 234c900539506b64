/// Errors of sharded batch runs that are not file-format errors (those are
/// ``/ProposalIO/ProposalIOError``); each names the value at fault.
public enum ProposalRunsError: Error, CustomStringConvertible, Equatable {
  /// A shard given as `i/n` or by a scheduler's variables is not valid.
  case invalidShard(value: String, reason: String)
  /// An output folder holds a run made with other settings (its `run.json` differs).
  case fingerprintMismatch(file: String, field: String, expected: String, found: String)
  /// Several input images of a sharded run have the same name (records, shards and resume
  /// are keyed by the name); `names` lists each repeated name once, sorted.
  case duplicateImageNames(names: [String])
  /// A value of a run's `run.json` is missing, of the wrong type or out of range.
  case invalidRunFile(file: String, key: String, value: String, reason: String)
  /// `merge` found shards missing, unfinished or short, or images twice, and wrote nothing.
  case incompleteRun(directory: String, missing: [ShardMerger.MissingShard], duplicates: [String])
  /// A parameter given to an initialiser is out of its range.
  case invalidArgument(name: String, value: String, allowed: String)

  public var description: String {
    switch self {
    case .invalidShard(let value, let reason): "shard \"\(value)\" is not valid: \(reason)"
    case .fingerprintMismatch(let file, let field, let expected, let found):
      "\(file): \"\(field)\" is \(found) but this run has \(expected); refusing to mix outputs of different settings (use another output folder)"
    case .duplicateImageNames(let names):
      "\(names.count) image name\(names.count == 1 ? " is" : "s are") used by more than one "
        + "input image: \(Self.list(names)); every image of a sharded run needs its own name "
        + "(records, shards and resume are keyed by it)"
    case .invalidRunFile(let file, let key, let value, let reason):
      "\(file): \"\(key)\" is \(value): \(reason)"
    case .incompleteRun(let directory, let missing, let duplicates):
      "\(directory): the run is not complete, nothing was written: "
        + (missing.map(\.description) + duplicates.map { "\($0) is in the shards twice" })
        .joined(separator: "; ")
        + " (rerun the missing shards, or pass allowIncomplete / --allow-incomplete to merge "
        + "what is there)"
    case .invalidArgument(let name, let value, let allowed):
      "\(name) is \(value); allowed: \(allowed)"
    }
  }

  /// Up to 20 names, then how many more.
  static func list(_ names: [String]) -> String {
    names.prefix(20).joined(separator: ", ")
      + (names.count > 20 ? " and \(names.count - 20) more" : "")
  }
}
