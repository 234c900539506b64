import Datasets
import Foundation
import RegionKitTestSupport
import Testing

/// Annotations and images given separately: `Dataset.load(annotations:images:)`.
@Suite struct DatasetLoadingTests {
  @Test func readsACOCOFileWithAnyImageFolder() throws {
    let folder = try Fixtures.temporaryDirectory("explicit")
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = folder.appendingPathComponent("labels/instances_val2017.json")
    let images = folder.appendingPathComponent("pictures")
    try DatasetLayoutSplitsTests.writeCOCO(["a.png", "b.png"], images: images, json: json)
    #expect(
      try DatasetLayout(annotations: json, images: images)
        == .coco(annotationsFile: json, imagesDirectory: images))
    DatasetLayoutSplitsTests.expectImages(
      try Dataset.load(annotations: json, images: images), ["a.png", "b.png"], in: images)
    #expect(
      throws: DatasetsError.splitNotFound(split: "val", file: json, available: [])
    ) { try Dataset.load(annotations: json, images: images, split: "val") }
  }

  @Test func readsAVOCFolderWithItsSplits() throws {
    let voc = Fixtures.url("datasets/voc-small")
    let annotations = voc.appendingPathComponent("Annotations")
    // The fixture has no JPEGImages/ and reading annotations opens no image: any folder serves.
    let images = voc.appendingPathComponent("Annotations")
    #expect(
      try DatasetLayout(annotations: annotations, images: images)
        == .voc(
          annotationsDirectory: annotations, imagesDirectory: images,
          imageSetsDirectory: voc.appendingPathComponent("ImageSets/Main")))
    let all = try Dataset.load(annotations: annotations, images: images)
    #expect(all.images == (try Dataset.load(from: voc)).images)
    let train = try Dataset.load(annotations: annotations, images: images, split: "train")
    #expect(train.images == (try Dataset.load(from: voc, split: "train")).images)
  }

  @Test func missingOrWrongPathsAreTypedErrors() throws {
    let folder = try Fixtures.temporaryDirectory("explicit")
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = folder.appendingPathComponent("instances.json")
    let images = folder.appendingPathComponent("images")
    let missing = folder.appendingPathComponent("missing")
    try DatasetLayoutSplitsTests.writeCOCO(["a.png"], images: images, json: json)

    #expect(throws: DatasetsError.fileNotFound(missing)) {
      try Dataset.load(annotations: missing, images: images)
    }
    #expect(throws: DatasetsError.fileNotFound(missing)) {
      try Dataset.load(annotations: json, images: missing)
    }
    let imagesIsAFile = DatasetsError.unreadableFile(
      json, reason: "it is a file; the images must be given as a folder")
    #expect(throws: imagesIsAFile) { try Dataset.load(annotations: json, images: json) }
    #expect(imagesIsAFile.description.hasPrefix("\(json.path): cannot be read: it is a file"))
    // A folder of annotations must hold VOC XML files.
    #expect(throws: DatasetsError.unrecognizedLayout(images)) {
      try Dataset.load(annotations: images, images: images)
    }
    // A file that is not COCO JSON fails in the reader, naming the file.
    let text = folder.appendingPathComponent("labels.txt")
    try Data("not json".utf8).write(to: text)
    let error = try #require(throws: DatasetsError.self) {
      try Dataset.load(annotations: text, images: images)
    }
    #expect(error.description.hasPrefix("labels.txt"))
  }
}
