/// Errors of sharded batch runs that are not file errors (those are
/// ``/ProposalIO/ProposalIOError``); each names the value at fault.
public enum ProposalRunsError: Error, CustomStringConvertible, Equatable {
  /// A shard given as `i/n` or by a scheduler's variables is not valid.
  case invalidShard(value: String, reason: String)
  /// An output folder holds a run made with other settings (its `run.json` differs).
  case fingerprintMismatch(file: String, field: String, expected: String, found: String)

  public var description: String {
    switch self {
    case .invalidShard(let value, let reason): "shard \"\(value)\" is not valid: \(reason)"
    case .fingerprintMismatch(let file, let field, let expected, let found):
      "\(file): \"\(field)\" is \(found) but this run has \(expected); refusing to mix outputs of different settings (use another output folder)"
    }
  }
}
