/// Errors of the proposal generators; each names the generator, the parameter and the value.
///
/// Reading and writing proposal files fails with ``/ProposalIO/ProposalIOError``, batch runs
/// with `ProposalRunsError` (ProposalRuns module).
public enum ProposalsError: Error, CustomStringConvertible, Equatable {
  /// A generator's parameter or input is outside what it accepts.
  case invalidParameter(generator: String, field: String, value: String, expected: String)

  public var description: String {
    switch self {
    case .invalidParameter(let generator, let field, let value, let expected):
      "\(generator): \(field) is \(value), expected \(expected)"
    }
  }
}
