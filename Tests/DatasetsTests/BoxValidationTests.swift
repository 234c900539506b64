import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

/// The clip/drop rules every reader applies, exercised through small generated files.
@Suite struct BoxValidationTests {
  /// Writes `annotations/<name>` files into a fresh folder (VOC, LabelImg layout).
  static func vocFolder(_ files: [String: String]) throws -> URL {
    let folder = try Fixtures.temporaryDirectory("voc")
    let annotations = folder.appendingPathComponent("annotations")
    try FileManager.default.createDirectory(at: annotations, withIntermediateDirectories: true)
    for (name, text) in files {
      try Data(text.utf8).write(to: annotations.appendingPathComponent(name))
    }
    return folder
  }

  static func vocXML(width: String = "20", height: String = "10", objects: [String]) -> String {
    let body = objects.map { box in
      "<object><name>a</name><bndbox>\(box)</bndbox></object>"
    }.joined(separator: "\n")
    return """
      <annotation><filename>x.jpg</filename>
      <size><width>\(width)</width><height>\(height)</height></size>
      \(body)
      </annotation>
      """
  }

  static func bndbox(_ xMin: String, _ yMin: String, _ xMax: String, _ yMax: String) -> String {
    "<xmin>\(xMin)</xmin><ymin>\(yMin)</ymin><xmax>\(xMax)</xmax><ymax>\(yMax)</ymax>"
  }

  @Test func nonFiniteCoordinatesAreDropped() throws {
    let folder = try Self.vocFolder([
      "x.xml": Self.vocXML(objects: [
        Self.bndbox("nan", "1", "5", "5"), Self.bndbox("1", "1", "inf", "5"),
        Self.bndbox("1", "1", "5", "5"),
      ])
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Dataset.load(from: folder)
    #expect(dataset.images[0].annotations.map(\.box) == [Box(x1: 0, y1: 0, x2: 5, y2: 5)])
    #expect(dataset.warnings.map(\.problem) == [.nonFiniteBox, .nonFiniteBox])
    #expect(dataset.warnings.map(\.annotationIndex) == [0, 1])
    #expect(dataset.warnings.allSatisfy { $0.isDropped })
  }

  @Test func clipsOnEverySideAndDropsBoxesLeftEmpty() throws {
    let folder = try Self.vocFolder([
      "x.xml": Self.vocXML(objects: [
        Self.bndbox("-4", "-2", "30", "12"),  // covers the image: clipped to [0, 0, 20, 10]
        Self.bndbox("25", "1", "30", "5"),  // right of the image: empty after clipping
        Self.bndbox("3", "3", "2", "5"),  // xmax = xmin - 1: zero width, [2, 2, 2, 5]
      ])
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Dataset.load(from: folder)
    #expect(dataset.images[0].annotations.map(\.box) == [Box(x1: 0, y1: 0, x2: 20, y2: 10)])
    #expect(
      dataset.warnings.map(\.problem) == [
        .clippedToImage(
          original: Box(x1: -5, y1: -3, x2: 30, y2: 12), clipped: Box(x1: 0, y1: 0, x2: 20, y2: 10)),
        .emptyBox(Box(x1: 24, y1: 0, x2: 30, y2: 5)),
        .emptyBox(Box(x1: 2, y1: 2, x2: 2, y2: 5)),
      ])
    #expect(dataset.warnings.map(\.isDropped) == [false, true, true])
  }

  @Test func invalidSizeAndMissingFieldsAreErrors() throws {
    let zeroWidth = try Self.vocFolder(["z.xml": Self.vocXML(width: "0", objects: [])])
    defer { try? FileManager.default.removeItem(at: zeroWidth) }
    #expect(throws: DatasetsError.invalidValue(file: "z.xml", field: "size/width", value: "0")) {
      try Dataset.load(from: zeroWidth)
    }
    let noFileName = try Self.vocFolder([
      "f.xml": "<annotation>\n<size><width>2</width><height>2</height></size></annotation>"
    ])
    defer { try? FileManager.default.removeItem(at: noFileName) }
    #expect(throws: DatasetsError.missingXMLElement(file: "f.xml", element: "filename", line: 1)) {
      try Dataset.load(from: noFileName)
    }
    let noCoordinate = try Self.vocFolder([
      "c.xml": Self.vocXML(objects: ["\n<xmin>1</xmin><ymin>1</ymin><xmax>3</xmax>"])
    ])
    defer { try? FileManager.default.removeItem(at: noCoordinate) }
    #expect(throws: DatasetsError.missingXMLElement(file: "c.xml", element: "ymax", line: 3)) {
      try Dataset.load(from: noCoordinate)
    }
    let empty = try Self.vocFolder(["e.xml": ""])
    defer { try? FileManager.default.removeItem(at: empty) }
    let error = try #require(throws: DatasetsError.self) { try Dataset.load(from: empty) }
    guard case .invalidXML(let file, _, _, _) = error else {
      Issue.record("expected invalidXML, got \(error)")
      return
    }
    #expect(file == "e.xml")
  }

  @Test func cocoAnnotationsWithoutBoxesAreDroppedAndBooleanCrowdIsRead() throws {
    let folder = try Fixtures.temporaryDirectory("coco")
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = """
      {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
       "annotations": [
         {"id": 1, "image_id": 1, "category_id": 4},
         {"id": 2, "image_id": 1, "category_id": 4, "bbox": null},
         {"id": 3, "image_id": 1, "category_id": 4, "bbox": [1, 1, 2, 2], "iscrowd": true}],
       "categories": [{"id": 4, "name": "a"}]}
      """
    try Data(json.utf8).write(to: folder.appendingPathComponent("annotations.json"))
    let dataset = try Dataset.load(from: folder)
    #expect(
      dataset.images[0].annotations == [
        Annotation(
          box: Box(x1: 1, y1: 1, x2: 3, y2: 3), label: 0, categoryID: 4, isCrowd: true, id: 3)
      ])
    #expect(dataset.warnings.map(\.problem) == [.missingBox, .missingBox])
  }

  @Test func cocoDuplicateCategoryAndZeroHeightAreErrors() throws {
    let folder = try Fixtures.temporaryDirectory("coco")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("annotations.json")
    try Data(
      """
      {"images": [], "categories": [{"id": 4, "name": "a"}, {"id": 2, "name": "b"}, {"id": 4, "name": "c"}]}
      """.utf8
    ).write(to: url)
    #expect(
      throws: DatasetsError.duplicateID(file: "annotations.json", field: "categories[2].id", id: 4)
    ) { try Dataset.load(from: folder) }
    try Data(
      #"{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 0}]}"#.utf8
    ).write(to: url)
    #expect(
      throws: DatasetsError.invalidValue(
        file: "annotations.json", field: "images[0].height", value: "0")
    ) { try Dataset.load(from: folder) }
  }
}
