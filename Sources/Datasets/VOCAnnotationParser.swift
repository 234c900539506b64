import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The fields RegionKit reads from one Pascal VOC XML file, still as text, with the 1-based
/// line where each element starts so that errors can point at it.
struct VOCAnnotationFile {
  struct Object {
    var line: Int
    var name: String?
    var difficult: String?
    var boxLine: Int?
    var xMin: String?
    var yMin: String?
    var xMax: String?
    var yMax: String?
  }

  var rootLine = 1
  var fileName: String?
  var sizeLine: Int?
  var width: String?
  var height: String?
  var objects: [Object] = []
}

/// Parses one VOC XML file with Foundation's `XMLParser`.
///
/// Only direct children count: `<object><part><name>` (VOC's person layout) is not the
/// object's name, and `<part><bndbox>` is not its box. Paths are matched relative to the root
/// element, whatever it is called (`<annotation>` in VOC and LabelImg).
final class VOCAnnotationParser: NSObject, XMLParserDelegate {
  private var path: [String] = []
  private var text = ""
  private var result = VOCAnnotationFile()
  private var failure: (line: Int, column: Int, code: Int)?

  /// Parses `data` read from the file named `name` (used in errors).
  static func parse(_ data: Data, name: String) throws -> VOCAnnotationFile {
    try checkEncoding(data, name: name)
    let delegate = VOCAnnotationParser()
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    let succeeded = parser.parse()
    if let failure = delegate.failure {
      throw DatasetsError.invalidXML(
        file: name, line: failure.line, column: failure.column, message: message(for: failure.code))
    }
    if !succeeded || delegate.path.count > 0 {
      let code = (parser.parserError as NSError?)?.code ?? 1
      throw DatasetsError.invalidXML(
        file: name, line: parser.lineNumber, column: parser.columnNumber,
        message: message(for: code))
    }
    if data.isEmpty || !delegate.sawRoot {
      throw DatasetsError.invalidXML(file: name, line: 1, column: 1, message: "empty document")
    }
    return delegate.result
  }

  private var sawRoot = false

  /// Refuses bytes that are not UTF-8, unless a UTF-16 or UTF-32 byte-order mark says the file
  /// is in one of those.
  ///
  /// libxml2 reports such a byte but, in the recovery mode `XMLParser` uses, goes on and passes
  /// it inside element and attribute names, on which Linux's FoundationXML traps (it force-unwraps
  /// their conversion to `String`). Stopping the parser from the error callback is no cure: it
  /// crashes libxml2 2.9 when the error comes from an encoding conversion. So a file is UTF-8
  /// (ASCII included, as every VOC tool writes) or starts with a byte-order mark; a legacy
  /// encoding named only in the XML declaration (`encoding="ISO-8859-1"`) is refused when it
  /// uses bytes above 127.
  static func checkEncoding(_ data: Data, name: String) throws {
    let marks: [[UInt8]] = [[0xFE, 0xFF], [0xFF, 0xFE], [0, 0, 0xFE, 0xFF]]
    if marks.contains(where: { data.starts(with: $0) }) { return }
    var iterator = data.makeIterator()
    var decoder = Unicode.UTF8.ForwardParser()
    var offset = 0
    while true {
      switch decoder.parseScalar(from: &iterator) {
      case .valid(let scalar):
        offset += scalar.count
      case .emptyInput:
        return
      case .error(let length):
        let before = [UInt8](data.prefix(offset))
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        let bytes = data.dropFirst(offset).prefix(length).map { String(format: "0x%02X", $0) }
        throw DatasetsError.invalidXML(
          file: name, line: line, column: column,
          message: "\(bytes.joined(separator: " ")) is not UTF-8 (annotation files are read as "
            + "UTF-8, or as UTF-16 or UTF-32 after a byte-order mark)")
      }
    }
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    path.append(elementName)
    text = ""
    let line = parser.lineNumber
    switch path.count {
    case 1:
      sawRoot = true
      result.rootLine = line
    case 2 where elementName == "size":
      result.sizeLine = line
    case 2 where elementName == "object":
      result.objects.append(VOCAnnotationFile.Object(line: line))
    case 3 where path[1] == "object" && elementName == "bndbox":
      result.objects[result.objects.count - 1].boxLine = line
    default:
      break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    text += string
  }

  func parser(_ parser: XMLParser, foundCDATA block: Data) {
    text += String(decoding: block, as: UTF8.self)
  }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
    qualifiedName: String?
  ) {
    let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let last = result.objects.count - 1
    switch path.count {
    case 2 where elementName == "filename":
      result.fileName = value
    case 3 where path[1] == "size":
      if elementName == "width" { result.width = value }
      if elementName == "height" { result.height = value }
    case 3 where path[1] == "object" && last >= 0:
      if elementName == "name" { result.objects[last].name = value }
      if elementName == "difficult" { result.objects[last].difficult = value }
    case 4 where path[1] == "object" && path[2] == "bndbox" && last >= 0:
      switch elementName {
      case "xmin": result.objects[last].xMin = value
      case "ymin": result.objects[last].yMin = value
      case "xmax": result.objects[last].xMax = value
      case "ymax": result.objects[last].yMax = value
      default: break
      }
    default:
      break
    }
    path.removeLast()
    text = ""
  }

  func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
    // The first error is the cause; later ones (premature end) follow from it.
    if failure == nil {
      failure = (parser.lineNumber, parser.columnNumber, (parseError as NSError).code)
    }
  }

  /// A sentence for libxml2's error codes, which both Foundations pass through as the error's
  /// `code` (`xmlParserErrors`; Darwin's `XMLParser.ErrorCode` has the same numbers, Linux's
  /// enum does not, and the error's own description is empty on Linux).
  private static func message(for code: Int) -> String {
    switch code {
    case 3: return "the document does not start with an element"
    case 4: return "empty document"
    case 5: return "document ends before all elements are closed"
    case 9: return "invalid character"
    case 23, 24, 26: return "malformed or unknown entity (an unescaped '&'?)"
    case 38: return "'<' inside an attribute value"
    case 39, 40, 41: return "malformed attribute"
    case 68: return "expected an element name"
    case 73: return "expected '>'"
    case 74: return "expected '</'"
    case 76: return "closing tag does not match the open element"
    case 77: return "element is not finished"
    case 85: return "elements are not properly nested"
    case 86: return "content after the root element"
    default: return "XML parser error \(code)"
    }
  }
}
