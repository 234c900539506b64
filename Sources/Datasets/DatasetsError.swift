import Foundation

/// Why a dataset, an annotation file or a results file could not be read or written.
///
/// Every case names the file (its last path component, or the path when that is clearer) and
/// the position or field at fault, so the description can be shown to users as is:
///
///     do { _ = try Dataset.load(from: folder) } catch let error as DatasetsError {
///       print(error)  // annotations.json: annotations[17].bbox: expected 4 numbers
///     }
public enum DatasetsError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file or folder does not exist.
  case fileNotFound(URL)
  /// The file exists but could not be read (permissions, a folder where a file was expected).
  case unreadableFile(URL, reason: String)
  /// The folder is neither COCO (`annotations.json`, or `annotations/instances_<split>.json`)
  /// nor Pascal VOC (`annotations/` or `Annotations/` holding `.xml` files) nor a folder of
  /// images.
  case unrecognizedLayout(URL)
  /// The file is not valid JSON; `message` is the parser's, `line`/`column` are 1-based when known.
  case invalidJSON(file: String, message: String, line: Int?, column: Int?)
  /// The JSON is well formed but a value is missing or has the wrong type.
  /// `path` is written like `annotations[17].bbox`.
  case malformedJSON(file: String, path: String, problem: String)
  /// The XML parser stopped at a 1-based line and column.
  case invalidXML(file: String, line: Int, column: Int, message: String)
  /// A required XML element is absent; `line` is where its parent element starts.
  case missingXMLElement(file: String, element: String, line: Int)
  /// A field holds a value that cannot be used (a non-numeric coordinate, a zero image width).
  case invalidValue(file: String, field: String, value: String)
  /// Two images (or two categories) share an id; `field` says which (`images[3].id`).
  case duplicateID(file: String, field: String, id: Int)
  /// The requested split does not exist: no VOC `ImageSets/Main/<split>.txt`, no COCO
  /// `annotations/instances_<split>.json`, or a layout without splits. `file` is the file
  /// looked for (the annotations file or folder for a layout without splits); `available`
  /// lists the splits that exist, sorted (empty when the layout has none).
  case splitNotFound(split: String, file: URL, available: [String])
  /// No split was given and the folder holds several COCO splits, listed in `available`.
  case splitRequired(folder: URL, available: [String])
  /// A split lists an image whose annotation file is missing.
  case missingAnnotation(split: String, name: String, file: URL)
  /// An image file name is absolute, climbs out with `..`, or is empty: it must name a file
  /// inside the dataset's image folder.
  case fileNameOutsideImages(file: String, field: String, value: String)
  /// Two entries (`fields`) name the same image file.
  case duplicateFileName(file: String, name: String, fields: [String])
  /// A detection's label is not in `0..<categoryCount`.
  case labelOutOfRange(label: Int, categoryCount: Int)
  /// A detection to be written has a NaN or infinite box or score.
  case nonFiniteDetection(index: Int)
  /// A parameter given to an initialiser or a writer is out of its range.
  case invalidArgument(name: String, value: String, allowed: String)

  public var description: String {
    switch self {
    case .fileNotFound(let url):
      return "\(url.path): no such file or folder"
    case .unreadableFile(let url, let reason):
      return "\(url.path): cannot be read: \(reason)"
    case .unrecognizedLayout(let url):
      return "\(url.path): not a recognised dataset layout (expected annotations.json or "
        + "annotations/instances_<split>.json for COCO, or annotations/ or Annotations/ with "
        + ".xml files for Pascal VOC, or image files)"
    case .invalidJSON(let file, let message, let line, let column):
      if let line, let column {
        return "\(file):\(line):\(column): invalid JSON: \(message)"
      }
      return "\(file): invalid JSON: \(message)"
    case .malformedJSON(let file, let path, let problem):
      return path.isEmpty ? "\(file): \(problem)" : "\(file): \(path): \(problem)"
    case .invalidXML(let file, let line, let column, let message):
      return "\(file):\(line):\(column): invalid XML: \(message)"
    case .missingXMLElement(let file, let element, let line):
      return "\(file):\(line): missing element <\(element)>"
    case .invalidValue(let file, let field, let value):
      return "\(file): \(field) has the unusable value \"\(value)\""
    case .duplicateID(let file, let field, let id):
      return "\(file): \(field) repeats the id \(id)"
    case .splitNotFound(let split, let file, let available):
      let splits =
        available.isEmpty
        ? "the dataset has no splits" : "available: \(available.joined(separator: ", "))"
      return "\(file.path): split \"\(split)\" not found; \(splits)"
    case .splitRequired(let folder, let available):
      return "\(folder.path): holds several splits (\(available.joined(separator: ", "))); "
        + "name the one to read"
    case .missingAnnotation(let split, let name, let file):
      return "\(file.path): image \"\(name)\" of split \"\(split)\" has no annotation file"
    case .fileNameOutsideImages(let file, let field, let value):
      return "\(file): \(field) \"\(value)\" must name a file inside the images folder "
        + "(a relative path without \"..\")"
    case .duplicateFileName(let file, let name, let fields):
      return "\(file): \(fields.joined(separator: " and ")) name the same image \"\(name)\""
    case .labelOutOfRange(let label, let categoryCount):
      return "detection label \(label) is outside 0..<\(categoryCount) (the dataset's categories)"
    case .nonFiniteDetection(let index):
      return "detection \(index) has a NaN or infinite box or score"
    case .invalidArgument(let name, let value, let allowed):
      return "\(name) is \(value); allowed: \(allowed)"
    }
  }
}
