/// Errors of the proposal generators; each names the generator, the parameter and the value.
///
/// Reading and writing proposal files fails with ``/ProposalIO/ProposalIOError``, batch runs
/// with ``/ProposalRuns/ProposalRunsError``.
public enum ProposalsError: Error, CustomStringConvertible, Equatable {
  /// A generator's parameter or input is outside what it accepts.
  case invalidParameter(generator: String, field: String, value: String, expected: String)
  /// A shard given as `i/n` or by a scheduler's variables is not valid.
  case invalidShard(value: String, reason: String)
  /// An output folder holds a run made with other settings (its `run.json` differs).
  case fingerprintMismatch(file: String, field: String, expected: String, found: String)

  public var description: String {
    switch self {
    case .invalidParameter(let generator, let field, let value, let expected):
      "\(generator): \(field) is \(value), expected \(expected)"
    case .invalidShard(let value, let reason): "shard \"\(value)\" is not valid: \(reason)"
    case .fingerprintMismatch(let file, let field, let expected, let found):
      "\(file): \"\(field)\" is \(found) but this run has \(expected); refusing to mix outputs of different settings (use another output folder)"
    }
  }
}
