import Datasets
import Foundation
import RegionKitTestSupport
import Testing

/// File names must stay inside the images folder, be distinct, and numbers be decimal.
@Suite struct ImageFileNameCheckTests {
  private func cocoFolder(fileNames: [String]) throws -> URL {
    let folder = try Fixtures.temporaryDirectory("coco-names")
    let images = fileNames.enumerated().map { index, name in
      #"{"id": \#(index + 1), "file_name": "\#(name)", "width": 10, "height": 10}"#
    }
    let json = #"{"images": [\#(images.joined(separator: ", "))], "categories": []}"#
    try Data(json.utf8).write(to: folder.appendingPathComponent("annotations.json"))
    return folder
  }

  @Test(arguments: ["../secret.jpg", "/etc/passwd", "a/../../b.jpg", "~/x.jpg", "", "a//b.jpg"])
  func cocoFileNamesOutsideTheImagesFolderAreRefused(name: String) throws {
    let folder = try cocoFolder(fileNames: ["ok.jpg", name])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      throws: DatasetsError.fileNameOutsideImages(
        file: "annotations.json", field: "images[1].file_name", value: name)
    ) { try Dataset.load(from: folder) }
  }

  @Test func cocoSubfoldersAreFine() throws {
    let folder = try cocoFolder(fileNames: ["train/a.jpg", "./b.jpg", "c..d.jpg"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(try Dataset.load(from: folder).images.count == 3)
  }

  @Test func cocoDuplicateFileNamesAreAnError() throws {
    let folder = try cocoFolder(fileNames: ["a.jpg", "b.jpg", "a.jpg"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      throws: DatasetsError.duplicateFileName(
        file: "annotations.json", name: "a.jpg",
        fields: ["images[0].file_name", "images[2].file_name"])
    ) { try Dataset.load(from: folder) }
  }

  @Test func vocFileNameOutsideAndDuplicatesAreErrors() throws {
    func xml(_ fileName: String) -> String {
      """
      <annotation><filename>\(fileName)</filename>
      <size><width>20</width><height>10</height></size></annotation>
      """
    }
    var folder = try BoxValidationTests.vocFolder(["x.xml": xml("../../x.jpg")])
    #expect(
      throws: DatasetsError.fileNameOutsideImages(
        file: "x.xml", field: "filename", value: "../../x.jpg")
    ) { try Dataset.load(from: folder) }
    try? FileManager.default.removeItem(at: folder)
    folder = try BoxValidationTests.vocFolder(["x.xml": xml("same.jpg"), "y.xml": xml("same.jpg")])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      throws: DatasetsError.duplicateFileName(
        file: "annotations", name: "same.jpg",
        fields: ["x.xml <filename>", "y.xml <filename>"])
    ) { try Dataset.load(from: folder) }
  }

  @Test(arguments: ["0x10", "1_0", "ten", "1e", "--1", "0x1p3"])
  func vocCoordinatesMustBeDecimal(text: String) throws {
    let folder = try BoxValidationTests.vocFolder([
      "x.xml": BoxValidationTests.vocXML(objects: [BoxValidationTests.bndbox(text, "1", "5", "5")])
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      throws: DatasetsError.invalidValue(file: "x.xml", field: "object[0]/bndbox/xmin", value: text)
    ) { try Dataset.load(from: folder) }
  }

  @Test(
    arguments: [("2", 2), (" 2.0 ", 2), ("+1.5", 1.5), ("+.5e1", 5), ("1e0", 1)]
      as [(String, Float)]
  )
  func vocDecimalSpellingsAreRead(text: String, value: Float) throws {
    let folder = try BoxValidationTests.vocFolder([
      "x.xml": BoxValidationTests.vocXML(objects: [BoxValidationTests.bndbox(text, "1", "9", "5")])
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let box = try Dataset.load(from: folder).images[0].annotations[0].box
    // VOC is 1-based: x1 = xmin - 1.
    #expect(box.x1 == value - 1)
  }

  @Test func vocSizeInHexIsRefused() throws {
    let folder = try BoxValidationTests.vocFolder([
      "x.xml": BoxValidationTests.vocXML(width: "0x14", objects: [])
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(throws: DatasetsError.invalidValue(file: "x.xml", field: "size/width", value: "0x14")) {
      try Dataset.load(from: folder)
    }
  }
}
