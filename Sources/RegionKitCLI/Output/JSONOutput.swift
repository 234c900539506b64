import Foundation

/// JSON text for command output, with sorted keys so output is stable.
enum JSONOutput {
  static func string(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(
      withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }
}
