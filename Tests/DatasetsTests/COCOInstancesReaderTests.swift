import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct COCOInstancesReaderTests {
  static let small = Fixtures.url("datasets/coco-small")

  @Test func readsImagesInSourceOrder() throws {
    let dataset = try Dataset.load(from: Self.small)
    #expect(dataset.format == .coco)
    #expect(dataset.images.map(\.id) == [10, 20, 30])
    #expect(dataset.images.map(\.fileName) == ["a.jpg", "b.jpg", "c.jpg"])
    #expect(dataset.images.map(\.width) == [100, 64, 50])
    #expect(dataset.images.map(\.height) == [80, 48, 50])
    #expect(dataset.imagesDirectory.lastPathComponent == "images")
    #expect(dataset.url(of: dataset.images[1]).path.hasSuffix("coco-small/images/b.jpg"))
  }

  @Test func mapsNonContiguousCategoryIDsToLabelsByAscendingID() throws {
    let dataset = try Dataset.load(from: Self.small)
    #expect(
      dataset.categories == [
        Category(id: 1, label: 0, name: "person"), Category(id: 3, label: 1, name: "car"),
        Category(id: 5, label: 2, name: "airplane"), Category(id: 18, label: 3, name: "dog"),
      ])
    #expect(dataset.label(forCategoryID: 18) == 3)
    #expect(dataset.label(forCategoryID: 2) == nil)
    #expect(dataset.categoryID(forLabel: 1) == 3)
    #expect(dataset.categoryID(forLabel: 4) == nil)
  }

  @Test func convertsBoxesAndKeepsCrowdFlag() throws {
    let dataset = try Dataset.load(from: Self.small)
    let first = dataset.images[0].annotations
    #expect(
      first == [
        Annotation(
          box: Box(x1: 10, y1: 20, x2: 40, y2: 60), label: 3, categoryID: 18, id: 1, area: 1000.5),
        Annotation(
          box: Box(x1: 0.5, y1: 1.25, x2: 100, y2: 80), label: 0, categoryID: 1, isCrowd: true,
          id: 2, area: 7000),
      ])
    let second = dataset.images[1].annotations
    #expect(
      second == [
        Annotation(box: Box(x1: 50, y1: 40, x2: 64, y2: 48), label: 1, categoryID: 3, id: 3),
        Annotation(box: Box(x1: 1, y1: 2, x2: 4, y2: 6), label: 3, categoryID: 18, id: 9),
      ])
    #expect(dataset.images[2].annotations.isEmpty)
  }

  @Test func reportsClippedAndDroppedAnnotationsAsWarnings() throws {
    let dataset = try Dataset.load(from: Self.small)
    let file = "annotations.json"
    #expect(
      dataset.warnings == [
        DatasetWarning(
          file: file, imageID: 20, annotationIndex: 2, annotationID: 3,
          problem: .clippedToImage(
            original: Box(x1: 50, y1: 40, x2: 80, y2: 60),
            clipped: Box(x1: 50, y1: 40, x2: 64, y2: 48))),
        DatasetWarning(
          file: file, imageID: 20, annotationIndex: 3, annotationID: 4,
          problem: .emptyBox(Box(x1: 5, y1: 5, x2: 5, y2: 15))),
        DatasetWarning(
          file: file, imageID: 99, annotationIndex: 4, annotationID: 5,
          problem: .unknownImage(id: 99)),
        DatasetWarning(
          file: file, imageID: 20, annotationIndex: 5, annotationID: 6,
          problem: .unknownCategory(id: 7)),
        DatasetWarning(
          file: file, imageID: 20, annotationIndex: 6, annotationID: 7,
          problem: .invertedBox(Box(x1: 10, y1: 10, x2: 5, y2: 15))),
        DatasetWarning(
          file: file, imageID: 10, annotationIndex: 7, annotationID: 8,
          problem: .emptyBox(Box(x1: -10, y1: -10, x2: -5, y2: -5))),
      ])
    #expect(dataset.warnings.filter(\.isDropped).count == 5)
    #expect(
      dataset.warnings[0].description
        == "annotations.json: annotations[2] (id 3, image 20): box [50.0, 40.0, 80.0, 60.0] "
        + "extends outside the image; clipped to [50.0, 40.0, 64.0, 48.0]")
  }

  @Test func acceptsADirectJSONPathAndAnExplicitImagesFolder() throws {
    let json = Self.small.appendingPathComponent("annotations.json")
    let direct = try Dataset.load(from: json)
    #expect(direct.images.count == 3)
    #expect(direct.imagesDirectory.path == Self.small.appendingPathComponent("images").path)
    let explicit = try Dataset.loadCOCO(
      annotationsFile: json, imagesDirectory: URL(fileURLWithPath: "/data/val2017"))
    #expect(explicit.url(of: explicit.images[0]).path == "/data/val2017/a.jpg")
  }

  @Test(arguments: [
    ("coco-bbox-string.json", "coco-bbox-string.json: annotations[1].bbox: expected 4 numbers"),
    (
      "coco-bbox-three-numbers.json",
      "coco-bbox-three-numbers.json: annotations[0].bbox: expected 4 numbers, found 3"
    ),
    (
      "coco-missing-file-name.json",
      "coco-missing-file-name.json: images[1].file_name: missing required key"
    ),
    ("coco-duplicate-image-id.json", "coco-duplicate-image-id.json: images[1].id repeats the id 1"),
  ])
  func malformedFilesNameTheFileAndPosition(file: String, message: String) throws {
    let url = Fixtures.url("datasets/malformed/\(file)")
    let error = try #require(throws: DatasetsError.self) {
      try Dataset.loadCOCO(annotationsFile: url)
    }
    #expect(error.description == message)
  }

  @Test func truncatedJSONIsASyntaxErrorAtTheEnd() throws {
    let url = Fixtures.url("datasets/malformed/coco-truncated.json")
    let error = try #require(throws: DatasetsError.self) {
      try Dataset.loadCOCO(annotationsFile: url)
    }
    guard case .invalidJSON(let file, let message, let line, _) = error else {
      Issue.record("expected invalidJSON, got \(error)")
      return
    }
    #expect(file == "coco-truncated.json")
    #expect(!message.isEmpty)
    #expect(line == 7)  // after the last newline of the 6-line file
  }

  @Test func syntaxErrorGivesLineAndColumn() throws {
    let url = Fixtures.url("datasets/malformed/coco-syntax-error.json")
    let error = try #require(throws: DatasetsError.self) {
      try Dataset.loadCOCO(annotationsFile: url)
    }
    guard case .invalidJSON(_, _, let line, let column) = error else {
      Issue.record("expected invalidJSON, got \(error)")
      return
    }
    #expect(line == 3)
    #expect(column == 50)
    #expect(error.description.hasPrefix("coco-syntax-error.json:3:50: invalid JSON: "))
  }

  @Test func missingFileIsNotFound() throws {
    let url = Fixtures.url("datasets/malformed/absent.json")
    #expect(throws: DatasetsError.fileNotFound(url)) { try Dataset.loadCOCO(annotationsFile: url) }
  }
}
