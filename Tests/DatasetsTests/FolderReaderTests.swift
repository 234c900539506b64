import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct FolderReaderTests {
  @Test func readsImageSizesAndSkipsUnreadableFilesWithAWarning() throws {
    let folder = try Fixtures.temporaryDirectory("folder")
    defer { try? FileManager.default.removeItem(at: folder) }
    let images = folder.appendingPathComponent("images")
    try FileManager.default.createDirectory(
      at: images.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: Fixtures.url("dataset/images/rocket.jpg"), to: images.appendingPathComponent("b.jpg"))
    try FileManager.default.copyItem(
      at: Fixtures.url("dataset/images/chelsea.png"), to: images.appendingPathComponent("sub/a.PNG")
    )
    try Data("not an image".utf8).write(to: images.appendingPathComponent("broken.jpg"))
    try Data("notes".utf8).write(to: images.appendingPathComponent("readme.txt"))

    let dataset = try Dataset.load(from: folder)
    #expect(dataset.format == .folder)
    #expect(
      dataset.imagesDirectory.path.hasSuffix("/images")
        || dataset.imagesDirectory.path.hasSuffix("/images/"))
    #expect(dataset.images.map(\.fileName) == ["b.jpg", "sub/a.PNG"])
    #expect(dataset.images.map(\.id) == [1, 2])
    #expect(dataset.images[0].width == 640 && dataset.images[0].height == 427)
    #expect(dataset.images[1].width == 451 && dataset.images[1].height == 300)
    #expect(dataset.categories.isEmpty)
    #expect(dataset.warnings.count == 1)
    #expect(
      dataset.warnings.first?.description.hasPrefix("broken.jpg: cannot read the image") == true)
  }

  @Test func aFolderOfImagesGivenDirectlyIsADataset() throws {
    let dataset = try Dataset.load(from: Fixtures.url("dataset/images"))
    #expect(dataset.format == .folder)
    #expect(dataset.images.count == 4)
  }
}
