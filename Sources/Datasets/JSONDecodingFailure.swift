import Foundation

/// Turns a `JSONDecoder` failure into a ``DatasetsError`` that names the file and the position.
///
/// A `DecodingError` carries a coding path (`annotations`, `Index 17`, `bbox`), written here as
/// `annotations[17].bbox`. A syntax error carries no detail on Linux, so the data is parsed again
/// with `JSONSerialization`, whose message gives the character offset; that offset is turned
/// into a 1-based line and column.
enum JSONDecodingFailure {
  static func datasetsError(_ error: Error, file: String, data: Data) -> DatasetsError {
    guard let decodingError = error as? DecodingError else {
      return .invalidJSON(file: file, message: String(describing: error), line: nil, column: nil)
    }
    switch decodingError {
    case .typeMismatch(let type, let context):
      return .malformedJSON(
        file: file, path: path(context.codingPath), problem: "expected \(noun(for: type))")
    case .valueNotFound(let type, let context):
      return .malformedJSON(
        file: file, path: path(context.codingPath),
        problem: "expected \(noun(for: type)), found null")
    case .keyNotFound(let key, let context):
      return .malformedJSON(
        file: file, path: path(context.codingPath + [key]), problem: "missing required key")
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty {
        return syntaxError(file: file, data: data, fallback: context.debugDescription)
      }
      return .malformedJSON(
        file: file, path: path(context.codingPath), problem: context.debugDescription)
    @unknown default:
      return .invalidJSON(file: file, message: String(describing: error), line: nil, column: nil)
    }
  }

  /// `annotations[17].bbox` from a coding path.
  static func path(_ codingPath: [any CodingKey]) -> String {
    var result = ""
    for key in codingPath {
      if let index = key.intValue {
        result += "[\(index)]"
      } else {
        result += (result.isEmpty ? "" : ".") + key.stringValue
      }
    }
    return result
  }

  private static func noun(for type: Any.Type) -> String {
    switch type {
    case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
    case is Double.Type, is Float.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "a boolean"
    default:
      let name = String(describing: type)
      if name.hasPrefix("Array") { return "an array" }
      return "an object"
    }
  }

  private static func syntaxError(file: String, data: Data, fallback: String) -> DatasetsError {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
      let message =
        ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? fallback
      if let offset = characterOffset(in: message) {
        let (line, column) = lineAndColumn(of: offset, in: data)
        return .invalidJSON(file: file, message: message, line: line, column: column)
      }
      if message.localizedCaseInsensitiveContains("end of file") {
        let (line, column) = lineAndColumn(of: data.count, in: data)
        return .invalidJSON(file: file, message: message, line: line, column: column)
      }
      return .invalidJSON(file: file, message: message, line: nil, column: nil)
    }
    return .invalidJSON(file: file, message: fallback, line: nil, column: nil)
  }

  /// The number after "character " in Foundation's message ("Invalid value around character 12.").
  private static func characterOffset(in message: String) -> Int? {
    guard let range = message.range(of: "character ") else { return nil }
    let digits = message[range.upperBound...].prefix { $0.isNumber }
    return Int(digits)
  }

  /// 1-based line and column of a byte offset.
  static func lineAndColumn(of offset: Int, in data: Data) -> (Int, Int) {
    var line = 1
    var column = 1
    for byte in data.prefix(offset) {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return (line, column)
  }
}
