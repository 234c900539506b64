import Foundation

/// A golden reference file from `Fixtures/goldens/` (format: `Fixtures/goldens/README.md`).
///
///     let golden = try GoldenFile("nms.json")
///     for testCase in golden.cases {
///       let boxes = try testCase.tensor("inputs", "boxes")   // GoldenTensor
///     }
public struct GoldenFile: @unchecked Sendable {
  /// The whole file as parsed JSON.
  public let root: [String: Any]
  /// The file name, for messages.
  public let name: String

  /// Reads `Fixtures/goldens/<name>`.
  public init(_ name: String) throws {
    let url = Fixtures.url("goldens/\(name)")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    guard let root = object as? [String: Any] else {
      throw GoldenError.malformed(name, "top level is not an object")
    }
    self.root = root
    self.name = name
  }

  /// The `cases` array.
  public var cases: [GoldenCase] {
    ((root["cases"] as? [[String: Any]]) ?? []).map { GoldenCase(object: $0, file: name) }
  }

  /// The case with the given `name`.
  public func `case`(_ caseName: String) throws -> GoldenCase {
    guard let found = cases.first(where: { $0.name == caseName }) else {
      throw GoldenError.malformed(name, "no case named \(caseName)")
    }
    return found
  }
}

/// One entry of a golden file's `cases` (or any JSON object inside it).
public struct GoldenCase: @unchecked Sendable {
  public let object: [String: Any]
  public let file: String

  public init(object: [String: Any], file: String) {
    self.object = object
    self.file = file
  }

  /// The case's `name`.
  public var name: String { object["name"] as? String ?? "" }

  /// The raw JSON value at a key path.
  public func value(_ path: String...) throws -> Any {
    try value(path)
  }

  func value(_ path: [String]) throws -> Any {
    var current: Any = object
    for key in path {
      guard let dictionary = current as? [String: Any], let next = dictionary[key] else {
        throw GoldenError.malformed(file, "case \(name): no key \(path.joined(separator: "."))")
      }
      current = next
    }
    return current
  }

  /// The tensor record at a key path, e.g. `tensor("expected", "iou")`.
  public func tensor(_ path: String...) throws -> GoldenTensor {
    try GoldenTensor(try value(path), where: "\(file): \(name).\(path.joined(separator: "."))")
  }

  /// A nested object at a key path.
  public func object(_ path: String...) throws -> GoldenCase {
    guard let nested = try value(path) as? [String: Any] else {
      throw GoldenError.malformed(
        file, "case \(name): \(path.joined(separator: ".")) is not an object")
    }
    return GoldenCase(object: nested, file: file)
  }
}

/// A tensor record `{"shape": [...], "dtype": "...", "data": [...]}`.
public struct GoldenTensor: Sendable {
  public let shape: [Int]
  public let dtype: String
  /// Values as stored (exact for float64 and integers).
  public let doubles: [Double]

  public init(_ record: Any, where location: String) throws {
    guard let dictionary = record as? [String: Any],
      let shape = dictionary["shape"] as? [Int],
      let dtype = dictionary["dtype"] as? String,
      let data = dictionary["data"] as? [Any]
    else { throw GoldenError.malformed(location, "not a tensor record") }
    var doubles: [Double] = []
    doubles.reserveCapacity(data.count)
    for element in data {
      if let bool = element as? Bool, dtype == "bool" {
        doubles.append(bool ? 1 : 0)
      } else if let number = element as? NSNumber {
        doubles.append(number.doubleValue)
      } else {
        throw GoldenError.malformed(location, "non-numeric element \(element)")
      }
    }
    self.shape = shape
    self.dtype = dtype
    self.doubles = doubles
  }

  /// Values converted with `Float(_:)`: bit-identical to the library's float32 values.
  public var floats: [Float] { doubles.map { Float($0) } }

  /// Values as integers (for int and bool records).
  public var ints: [Int] { doubles.map { Int($0) } }

  /// Rows of a 2-D record.
  public var rows: [[Double]] {
    guard shape.count == 2 else { return [doubles] }
    return (0..<shape[0]).map { Array(doubles[($0 * shape[1])..<(($0 + 1) * shape[1])]) }
  }
}

/// A golden file that does not have the expected structure.
public enum GoldenError: Error, CustomStringConvertible {
  case malformed(String, String)

  public var description: String {
    switch self {
    case .malformed(let file, let problem): "\(file): \(problem)"
    }
  }
}
