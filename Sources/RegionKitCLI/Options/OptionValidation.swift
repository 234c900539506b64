import ArgumentParser
import Detectors

/// Runs a library validation of values that came from options, and turns its
/// ``Detectors/DetectorsError/invalidValue(file:key:value:allowed:)`` into a usage error naming
/// the option: the key in kebab case (`maxSide` → `--max-side`, `training.batchSize` →
/// `--batch-size`) unless `renames` gives the option for it.
func validateOptions(renames: [String: String] = [:], _ body: () throws -> Void) throws {
  do {
    try body()
  } catch DetectorsError.invalidValue(_, let key, let value, let allowed) {
    let name = key.split(separator: ".").last.map(String.init) ?? key
    let option =
      renames[name]
      ?? "--" + name.map { $0.isUppercase ? "-\($0.lowercased())" : "\($0)" }.joined()
    throw ValidationError("\(option) is \(value); allowed: \(allowed)")
  }
}
