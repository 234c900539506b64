import Foundation

/// Errors of the Proposals module; each names the file and the problem.
public enum ProposalsError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read.
  case unreadable(file: String, reason: String)
  /// A line of a JSON Lines file is not a valid proposal record.
  case malformedLine(file: String, line: Int, reason: String)
  /// The file could not be written.
  case unwritable(file: String, reason: String)
  /// A shard given as `i/n` or by a scheduler's variables is not valid.
  case invalidShard(value: String, reason: String)
  /// An output folder holds a run made with other settings (its `run.json` differs).
  case fingerprintMismatch(file: String, field: String, expected: String, found: String)
  /// A `.npy` array header is not NumPy format 1.0 as RegionKit writes it.
  case malformedNPY(file: String, reason: String)
  /// A generator's parameter or input is outside what it accepts.
  case invalidParameter(generator: String, field: String, value: String, expected: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
    case .malformedLine(let file, let line, let reason): "\(file):\(line): \(reason)"
    case .unwritable(let file, let reason): "\(file): cannot write: \(reason)"
    case .invalidShard(let value, let reason): "shard \"\(value)\" is not valid: \(reason)"
    case .fingerprintMismatch(let file, let field, let expected, let found):
      "\(file): \"\(field)\" is \(found) but this run has \(expected); refusing to mix outputs of different settings (use another output folder)"
    case .malformedNPY(let file, let reason): "\(file): not a NumPy 1.0 array: \(reason)"
    case .invalidParameter(let generator, let field, let value, let expected):
      "\(generator): \(field) is \(value), expected \(expected)"
    }
  }

  /// A one-line description of a decoding error with its key path (`boxes[3]: ...`).
  static func describe(_ error: any Error) -> String {
    func path(_ codingPath: [any CodingKey]) -> String {
      codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    switch error as? DecodingError {
    case .dataCorrupted(let context):
      let underlying = (context.underlyingError as NSError?)?.localizedDescription
      let location = path(context.codingPath)
      return (location.isEmpty ? "" : "\(location): ") + context.debugDescription
        + (underlying.map { " (\($0))" } ?? "")
    case .keyNotFound(let key, let context):
      let location = path(context.codingPath)
      return "missing key \"\(key.stringValue)\"" + (location.isEmpty ? "" : " in \(location)")
    case .typeMismatch(let type, let context):
      return "\(path(context.codingPath)): expected \(type)"
    case .valueNotFound(let type, let context):
      return "\(path(context.codingPath)): expected \(type), found null"
    case nil:
      return "\(error)"
    @unknown default:
      return "\(error)"
    }
  }
}
