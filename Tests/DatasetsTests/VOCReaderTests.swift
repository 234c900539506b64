import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct VOCReaderTests {
  static let small = Fixtures.url("datasets/voc-small")

  @Test func readsVOCLayoutWithDifficultAndFloatCoordinates() throws {
    let dataset = try Dataset.load(from: Self.small)
    #expect(dataset.format == .voc)
    #expect(dataset.imagesDirectory.lastPathComponent == "JPEGImages")
    #expect(
      dataset.categories == [
        Category(id: 1, label: 0, name: "cat"), Category(id: 2, label: 1, name: "dog"),
        Category(id: 3, label: 2, name: "person"),
      ])
    #expect(dataset.images.map(\.id) == [1, 2])
    #expect(dataset.images.map(\.fileName) == ["000001.jpg", "000002.jpg"])
    #expect(dataset.images.map(\.width) == [100, 60])
    #expect(dataset.images.map(\.height) == [50, 40])
    #expect(
      dataset.images[0].annotations == [
        Annotation(box: Box(x1: 0, y1: 0, x2: 100, y2: 50), label: 1, categoryID: 2),
        Annotation(
          box: Box(x1: 9, y1: 19.5, x2: 30, y2: 40), label: 2, categoryID: 3, isDifficult: true),
      ])
    #expect(
      dataset.images[1].annotations == [
        Annotation(box: Box(x1: 49, y1: 29, x2: 60, y2: 40), label: 0, categoryID: 1)
      ])
  }

  @Test func clipsAndDropsWithWarnings() throws {
    let dataset = try Dataset.load(from: Self.small)
    #expect(
      dataset.warnings == [
        DatasetWarning(
          file: "000002.xml", imageID: 2, annotationIndex: 0,
          problem: .clippedToImage(
            original: Box(x1: 49, y1: 29, x2: 70, y2: 45),
            clipped: Box(x1: 49, y1: 29, x2: 60, y2: 40))),
        DatasetWarning(
          file: "000002.xml", imageID: 2, annotationIndex: 1,
          problem: .invertedBox(Box(x1: 19, y1: 19, x2: 10, y2: 30))),
      ])
    #expect(
      dataset.warnings[1].description
        == "000002.xml: object[1] (image 2): box [19.0, 19.0, 10.0, 30.0] is inverted "
        + "(negative width or height); dropped")
  }

  @Test func selectsASplit() throws {
    let train = try Dataset.load(from: Self.small, split: "train")
    #expect(train.images.map(\.fileName) == ["000002.jpg"])
    #expect(train.images.map(\.id) == [1])
    #expect(train.categories.map(\.name) == ["cat", "dog"])
    // Class splits have a second column.
    let dogs = try Dataset.load(from: Self.small, split: "dog_trainval")
    #expect(dogs.images.count == 2)
    let missing = Self.small.appendingPathComponent("ImageSets/Main/test.txt")
    #expect(
      throws: DatasetsError.splitNotFound(
        split: "test", file: missing, available: ["dog_trainval", "train"])
    ) {
      try Dataset.load(from: Self.small, split: "test")
    }
  }

  @Test func readsLabelImgLayout() throws {
    let folder = Fixtures.url("datasets/labelimg-small")
    let dataset = try Dataset.load(from: folder)
    #expect(dataset.imagesDirectory.path == folder.appendingPathComponent("images").path)
    #expect(dataset.categories == [Category(id: 1, label: 0, name: "square")])
    #expect(
      dataset.images == [
        DatasetImage(
          id: 1, fileName: "shape-1.png", width: 32, height: 24,
          annotations: [Annotation(box: Box(x1: 4, y1: 2, x2: 12, y2: 10), label: 0, categoryID: 1)]
        )
      ])
    #expect(dataset.warnings.isEmpty)
  }

  @Test func unclosedElementGivesLineAndColumn() throws {
    let folder = Fixtures.url("datasets/malformed/voc-unclosed")
    let error = try #require(throws: DatasetsError.self) { try Dataset.load(from: folder) }
    guard case .invalidXML(let file, let line, _, let message) = error else {
      Issue.record("expected invalidXML, got \(error)")
      return
    }
    #expect(file == "unclosed.xml")
    // libxml2 reports where it noticed: the end of the line after the stray `</object>`.
    #expect(line == 14)
    #expect(message == "closing tag does not match the open element")
  }

  @Test func missingSizeIsAnError() throws {
    let folder = Fixtures.url("datasets/malformed/voc-no-size")
    #expect(throws: DatasetsError.missingXMLElement(file: "no-size.xml", element: "size", line: 1))
    {
      try Dataset.load(from: folder)
    }
  }

  @Test func nonNumericCoordinateIsAnError() throws {
    let folder = Fixtures.url("datasets/malformed/voc-bad-number")
    let error = try #require(throws: DatasetsError.self) { try Dataset.load(from: folder) }
    #expect(
      error.description == "bad-number.xml: object[1]/bndbox/ymin has the unusable value \"one\"")
  }
}

extension VOCReaderTests {
  @Test func readsCDATANames() throws {
    let folder = try BoxValidationTests.vocFolder([
      "c.xml": """
      <annotation><filename><![CDATA[c d.jpg]]></filename>
      <size><width>8</width><height>8</height></size>
      <object><name><![CDATA[traffic light]]></name>
      <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object>
      </annotation>
      """
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let dataset = try Dataset.load(from: folder)
    #expect(dataset.images.map(\.fileName) == ["c d.jpg"])
    #expect(dataset.categories.map(\.name) == ["traffic light"])
  }
}
