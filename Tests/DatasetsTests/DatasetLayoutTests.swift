import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct DatasetLayoutTests {
  @Test func recognisesEachLayout() throws {
    let coco = Fixtures.url("datasets/coco-small")
    #expect(
      try DatasetLayout.detect(at: coco)
        == .coco(
          annotationsFile: coco.appendingPathComponent("annotations.json"),
          imagesDirectory: coco.appendingPathComponent("images")))
    let voc = Fixtures.url("datasets/voc-small")
    #expect(
      try DatasetLayout.detect(at: voc)
        == .voc(
          annotationsDirectory: voc.appendingPathComponent("Annotations"),
          imagesDirectory: voc.appendingPathComponent("JPEGImages"),
          imageSetsDirectory: voc.appendingPathComponent("ImageSets/Main")))
    let labelImg = Fixtures.url("datasets/labelimg-small")
    let layout = try DatasetLayout.detect(at: labelImg)
    #expect(layout.format == .voc)
    #expect(
      layout
        == .voc(
          annotationsDirectory: labelImg.appendingPathComponent("annotations"),
          imagesDirectory: labelImg.appendingPathComponent("images"), imageSetsDirectory: nil))
  }

  @Test func unrecognisedFolderIsATypedError() throws {
    let folder = try Fixtures.temporaryDirectory("layout")
    defer { try? FileManager.default.removeItem(at: folder) }
    // An annotations/ folder without XML is not VOC.
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("annotations"), withIntermediateDirectories: true)
    try Data("x".utf8).write(to: folder.appendingPathComponent("annotations/readme.txt"))
    #expect(throws: DatasetsError.unrecognizedLayout(folder)) { try Dataset.load(from: folder) }
    let error = try #require(throws: DatasetsError.self) { try Dataset.load(from: folder) }
    #expect(error.description.contains("not a recognised dataset layout"))
  }

  @Test func missingFolderIsNotFound() {
    let url = Fixtures.url("datasets/does-not-exist")
    #expect(throws: DatasetsError.fileNotFound(url)) { try Dataset.load(from: url) }
  }

  @Test func splitOfACOCODatasetIsAnError() {
    let coco = Fixtures.url("datasets/coco-small")
    #expect(
      throws: DatasetsError.splitNotFound(
        split: "val", file: coco.appendingPathComponent("annotations.json"), available: [])
    ) { try Dataset.load(from: coco, split: "val") }
  }
}
