import Foundation

/// Errors of reading and writing proposal files; each names the file and the problem.
public enum ProposalIOError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read.
  case unreadable(file: String, reason: String)
  /// A line of a JSON Lines file (or of a file list) is not valid.
  case malformedLine(file: String, line: Int, reason: String)
  /// The file could not be written.
  case unwritable(file: String, reason: String)
  /// A `.npy` array header is not NumPy format 1.0 as RegionKit writes it.
  case malformedNPY(file: String, reason: String)
  /// A line of a JSON Lines file is longer than the reader's cap (`limit` bytes).
  case lineTooLong(file: String, line: Int, limit: Int)
  /// An array's values do not fill its shape (or the shape has a negative size or more
  /// elements than an `Int` holds).
  case shapeMismatch(shape: [Int], values: Int)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
    case .malformedLine(let file, let line, let reason): "\(file):\(line): \(reason)"
    case .unwritable(let file, let reason): "\(file): cannot write: \(reason)"
    case .malformedNPY(let file, let reason): "\(file): not a NumPy 1.0 array: \(reason)"
    case .lineTooLong(let file, let line, let limit):
      "\(file):\(line): the line is longer than \(limit) bytes, the most a reader accepts "
        + "(raise maximumLineLength if such lines are expected)"
    case .shapeMismatch(let shape, let values):
      "an array of shape \(shape) cannot hold \(values) values"
    }
  }

  /// A one-line description of a decoding error with its key path (`boxes[3]: ...`), for the
  /// `reason` of ``malformedLine(file:line:reason:)`` and of other modules' file errors.
  package static func describe(_ error: any Error) -> String {
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
