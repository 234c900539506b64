import Foundation

/// Errors of the Proposals module; each names the file and the problem.
public enum ProposalsError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read.
  case unreadable(file: String, reason: String)
  /// A line of a JSON Lines file is not a valid proposal record.
  case malformedLine(file: String, line: Int, reason: String)
  /// The file could not be written.
  case unwritable(file: String, reason: String)
  /// A generator or filter parameter is out of range.
  case invalidParameter(generator: String, field: String, value: String, expected: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
    case .malformedLine(let file, let line, let reason): "\(file):\(line): \(reason)"
    case .unwritable(let file, let reason): "\(file): cannot write: \(reason)"
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
