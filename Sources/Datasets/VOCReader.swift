import Boxes
import Foundation

/// Reads a folder of Pascal VOC XML files (one per image) into a ``Dataset``.
///
/// Reads `filename`, `size/width`, `size/height` and, for each `object`, `name`, `difficult`
/// and `bndbox/xmin…ymax`. Coordinates may be written as integers or decimals (`"123.0"`); the
/// inclusive 1-based VOC pixels become pixel-edge boxes through
/// `Box(vocXMin:yMin:xMax:yMax:)`, then go through the checks of ``DatasetWarning``.
/// Categories are the sorted object names, with ids `1...n` and labels `0..<n`. Images are
/// sorted by file name and get ids `1...n` in that order.
///
/// A file that is not well-formed XML, or lacks `filename`, `size`, an object's `name` or a
/// `bndbox` coordinate, is an error naming the file and line.
enum VOCReader {
  /// One parsed file before ids are assigned.
  private struct Entry {
    var xmlName: String
    var parsed: VOCAnnotationFile
    var fileName: String
    var width: Int
    var height: Int
  }

  /// Reads the `.xml` files of `annotationsDirectory` (all of them, or those a split lists).
  ///
  /// - Parameters:
  ///   - annotationsDirectory: The folder of XML files.
  ///   - imagesDirectory: The folder image file names are relative to.
  ///   - splitFile: `ImageSets/Main/<split>.txt`: one image stem per line (extra columns ignored).
  ///   - split: The split's name, for errors.
  static func read(
    annotationsDirectory: URL, imagesDirectory: URL, splitFile: URL? = nil, split: String? = nil
  ) throws -> Dataset {
    let xmlFiles: [URL]
    if let splitFile {
      xmlFiles = try filesOfSplit(splitFile, split: split ?? "", in: annotationsDirectory)
    } else {
      xmlFiles = try xmlFilesIn(annotationsDirectory)
    }

    var entries: [Entry] = []
    entries.reserveCapacity(xmlFiles.count)
    for url in xmlFiles {
      let name = url.lastPathComponent
      let parsed = try VOCAnnotationParser.parse(COCOInstancesReader.readData(url), name: name)
      guard let fileName = parsed.fileName, !fileName.isEmpty else {
        throw DatasetsError.missingXMLElement(
          file: name, element: "filename", line: parsed.rootLine)
      }
      guard let sizeLine = parsed.sizeLine else {
        throw DatasetsError.missingXMLElement(file: name, element: "size", line: parsed.rootLine)
      }
      try ImageFileNameCheck.checkInside(fileName, field: "filename", file: name)
      let width = try dimension(parsed.width, field: "width", file: name, line: sizeLine)
      let height = try dimension(parsed.height, field: "height", file: name, line: sizeLine)
      entries.append(
        Entry(xmlName: name, parsed: parsed, fileName: fileName, width: width, height: height))
    }
    entries.sort { ($0.fileName, $0.xmlName) < ($1.fileName, $1.xmlName) }
    try ImageFileNameCheck.checkDistinct(
      entries.map { ("\($0.xmlName) <filename>", $0.fileName) },
      file: annotationsDirectory.lastPathComponent)

    // Categories from all object names.
    var names = Set<String>()
    for entry in entries {
      for object in entry.parsed.objects {
        guard let name = object.name, !name.isEmpty else {
          throw DatasetsError.missingXMLElement(
            file: entry.xmlName, element: "name", line: object.line)
        }
        names.insert(name)
      }
    }
    let categories = names.sorted().enumerated().map { Category(id: $0 + 1, label: $0, name: $1) }
    var labelOfName: [String: Int] = [:]
    for category in categories { labelOfName[category.name] = category.label }

    var images: [DatasetImage] = []
    images.reserveCapacity(entries.count)
    var warnings: [DatasetWarning] = []
    for entry in entries {
      let imageID = images.count + 1
      var annotations: [Annotation] = []
      for (index, object) in entry.parsed.objects.enumerated() {
        let box = try self.box(of: object, index: index, file: entry.xmlName)
        let (kept, problems) = BoxValidation.check(
          box, imageWidth: entry.width, imageHeight: entry.height)
        for problem in problems {
          warnings.append(
            DatasetWarning(
              file: entry.xmlName, imageID: imageID, annotationIndex: index, problem: problem))
        }
        guard let kept, let name = object.name, let label = labelOfName[name] else { continue }
        let isDifficult = try flag(
          object.difficult, field: "object[\(index)]/difficult", file: entry.xmlName)
        annotations.append(
          Annotation(box: kept, label: label, categoryID: label + 1, isDifficult: isDifficult))
      }
      images.append(
        DatasetImage(
          id: imageID, fileName: entry.fileName, width: entry.width, height: entry.height,
          annotations: annotations))
    }
    return Dataset(
      format: .voc, imagesDirectory: imagesDirectory, categories: categories, images: images,
      warnings: warnings)
  }

  /// The `.xml` files of a folder, sorted by name.
  static func xmlFilesIn(_ directory: URL) throws -> [URL] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    } catch {
      throw DatasetsError.unreadableFile(directory, reason: error.localizedDescription)
    }
    return names.filter { $0.lowercased().hasSuffix(".xml") && !$0.hasPrefix(".") }.sorted()
      .map { directory.appendingPathComponent($0) }
  }

  /// The XML files a split file lists, in its order, without repeats.
  private static func filesOfSplit(_ splitFile: URL, split: String, in directory: URL) throws
    -> [URL]
  {
    guard FileManager.default.fileExists(atPath: splitFile.path) else {
      throw DatasetsError.splitNotFound(
        split: split, file: splitFile,
        available: splitNames(in: splitFile.deletingLastPathComponent()))
    }
    let data = try COCOInstancesReader.readData(splitFile)
    guard let text = String(data: data, encoding: .utf8) else {
      throw DatasetsError.unreadableFile(splitFile, reason: "it is not UTF-8 text")
    }
    var seen = Set<String>()
    var urls: [URL] = []
    for line in text.split(whereSeparator: \.isNewline) {
      // Class splits (`dog_train.txt`) add a second column (1, -1, 0); keep the stem.
      guard let stem = line.split(whereSeparator: \.isWhitespace).first.map(String.init),
        seen.insert(stem).inserted
      else { continue }
      let url = directory.appendingPathComponent(stem + ".xml")
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw DatasetsError.missingAnnotation(split: split, name: stem, file: url)
      }
      urls.append(url)
    }
    return urls
  }

  /// The names of the split files (`<split>.txt`) in `directory`, sorted; empty when the
  /// folder does not exist.
  static func splitNames(in directory: URL) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.lowercased().hasSuffix(".txt") && !$0.hasPrefix(".") }
      .map { String($0.dropLast(".txt".count)) }.sorted()
  }

  /// A positive pixel count from `<width>`/`<height>` (`"500"` or `"500.0"`).
  private static func dimension(_ text: String?, field: String, file: String, line: Int) throws
    -> Int
  {
    guard let text else {
      throw DatasetsError.missingXMLElement(file: file, element: field, line: line)
    }
    guard let value = DecimalNumber.parse(text), value > 0, value == value.rounded(),
      value <= Double(Int32.max)
    else {
      throw DatasetsError.invalidValue(file: file, field: "size/\(field)", value: text)
    }
    return Int(value)
  }

  /// The object's box; missing or non-numeric coordinates are errors.
  private static func box(of object: VOCAnnotationFile.Object, index: Int, file: String) throws
    -> Box
  {
    guard let boxLine = object.boxLine else {
      throw DatasetsError.missingXMLElement(file: file, element: "bndbox", line: object.line)
    }
    func coordinate(_ text: String?, _ name: String) throws -> Float {
      guard let text else {
        throw DatasetsError.missingXMLElement(file: file, element: name, line: boxLine)
      }
      if let value = DecimalNumber.parse(text) { return Float(value) }
      // Spelled-out NaN and infinities become non-finite boxes, dropped with a warning.
      switch text.trimmingCharacters(in: .whitespaces).lowercased() {
      case "nan": return .nan
      case "inf", "+inf", "infinity": return .infinity
      case "-inf", "-infinity": return -.infinity
      default:
        throw DatasetsError.invalidValue(
          file: file, field: "object[\(index)]/bndbox/\(name)", value: text)
      }
    }
    return Box(
      vocXMin: try coordinate(object.xMin, "xmin"), yMin: try coordinate(object.yMin, "ymin"),
      xMax: try coordinate(object.xMax, "xmax"), yMax: try coordinate(object.yMax, "ymax"))
  }

  /// `<difficult>`: absent, empty, `0`/`1` or `false`/`true`.
  private static func flag(_ text: String?, field: String, file: String) throws -> Bool {
    guard let text, !text.isEmpty else { return false }
    switch text.lowercased() {
    case "0", "false": return false
    case "1", "true": return true
    default:
      guard let value = DecimalNumber.parse(text) else {
        throw DatasetsError.invalidValue(file: file, field: field, value: text)
      }
      return value != 0
    }
  }
}
