import Foundation

/// A stable text of a generator's parameters that leaves out the settings that cannot change
/// its output (such as its thread count), for ``RunFingerprint/parameters``.
///
/// Structs, classes and enums are walked field by field with `Mirror` and written as
/// `Module.Type(label: value, ...)`, like `String(reflecting:)`, except that:
/// - fields whose label is in `excluding` are left out, at any depth (a selective search
///   inside a combined generator loses its `threads` too);
/// - a value whose type has its own `CustomDebugStringConvertible` or
///   `CustomStringConvertible` description is written with it;
/// - sets and dictionaries are written sorted, so the text is the same in every process
///   (their iteration order depends on a per-process seed);
/// - collections of more than ``largeCollectionCount`` elements (model weights) are written
///   as their count and the FNV-1a 64 hash of their elements' text (or bytes, for arrays of
///   numbers), so `run.json` stays small and still changes when any weight does;
/// - a class instance met twice on one path is written `<cycle>`.
enum GeneratorParameters {
  /// Collections longer than this are written as a count and a hash.
  static let largeCollectionCount = 64

  /// The text of `value`'s parameters, fields labelled with a name in `excluding` left out.
  static func describe(_ value: Any, excluding: Set<String>) -> String {
    var path: Set<ObjectIdentifier> = []
    return describe(value, excluding: excluding, path: &path)
  }

  private static func describe(
    _ value: Any, excluding: Set<String>, path: inout Set<ObjectIdentifier>
  ) -> String {
    if let numbers = numericArrayDigest(value) { return numbers }
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .struct?, .class?, .enum?:
      if value is any CustomDebugStringConvertible || value is any CustomStringConvertible {
        return String(reflecting: value)
      }
      var identity: ObjectIdentifier?
      if mirror.displayStyle == .class {
        let object = ObjectIdentifier(value as AnyObject)
        guard path.insert(object).inserted else { return "<cycle>" }
        identity = object
      }
      defer { identity.map { _ = path.remove($0) } }
      let typeName = String(reflecting: type(of: value))
      if mirror.displayStyle == .enum {
        guard let payload = mirror.children.first else { return String(reflecting: value) }
        return "\(typeName).\(payload.label ?? "")("
          + describe(payload.value, excluding: excluding, path: &path) + ")"
      }
      var fields: [String] = []
      var mirrors: [Mirror] = [mirror]
      while let superclass = mirrors.last?.superclassMirror { mirrors.append(superclass) }
      for level in mirrors.reversed() {
        for child in level.children {
          if let label = child.label, excluding.contains(label) { continue }
          let text = describe(child.value, excluding: excluding, path: &path)
          fields.append(child.label.map { "\($0): \(text)" } ?? text)
        }
      }
      return "\(typeName)(\(fields.joined(separator: ", ")))"
    case .optional?:
      guard let wrapped = mirror.children.first else { return "nil" }
      return "Optional(\(describe(wrapped.value, excluding: excluding, path: &path)))"
    case .tuple?:
      let fields = mirror.children.map { child in
        let text = describe(child.value, excluding: excluding, path: &path)
        return child.label.map { $0.hasPrefix(".") ? text : "\($0): \(text)" } ?? text
      }
      return "(\(fields.joined(separator: ", ")))"
    case .collection?, .set?, .dictionary?:
      var elements = mirror.children.map {
        describe($0.value, excluding: excluding, path: &path)
      }
      if mirror.displayStyle != .collection { elements.sort() }
      guard elements.count > largeCollectionCount else {
        return "[\(elements.joined(separator: ", "))]"
      }
      var hash = FNV1a64()
      for element in elements {
        hash.combine(element)
        hash.combine("\n")
      }
      return "[\(elements.count) elements, FNV-1a 64 \(String(hash.value, radix: 16))]"
    default:
      return String(reflecting: value)
    }
  }

  /// The count and hash of a long array of numbers, from their bytes; `nil` for other values.
  private static func numericArrayDigest(_ value: Any) -> String? {
    func digest<T>(_ array: [T]) -> String? {
      guard array.count > largeCollectionCount else { return nil }
      var hash = FNV1a64()
      array.withUnsafeBytes { hash.combine(bytes: $0) }
      return "[\(array.count) elements, FNV-1a 64 \(String(hash.value, radix: 16))]"
    }
    switch value {
    case let array as [Float]: return digest(array)
    case let array as [Double]: return digest(array)
    case let array as [Int]: return digest(array)
    case let array as [Int32]: return digest(array)
    case let array as [UInt8]: return digest(array)
    default: return nil
    }
  }
}
