import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@testable import Datasets

@Suite struct DatasetImageSizeCheckTests {
  @Test func aDifferentSizeIsAWarningNamingTheFileAndBothSizes() throws {
    let image = DatasetImage(id: 3, fileName: "photo.jpg", width: 640, height: 480, annotations: [])
    #expect(image.sizeWarning(width: 640, height: 480) == nil)
    let warning = try #require(image.sizeWarning(width: 320, height: 240))
    #expect(warning.file == "photo.jpg" && warning.imageID == 3 && !warning.isDropped)
    #expect(
      warning.description
        == "photo.jpg (image 3): the image is 320x240 but its annotation says 640x480; boxes not rescaled"
    )
    let swapped = try #require(image.sizeWarning(width: 480, height: 640))
    #expect(swapped.description.contains("480x640 but its annotation says 640x480"))
    #expect(swapped.description.contains("(swapped: EXIF orientation?)"))
    #expect(!warning.description.contains("swapped"))
  }

  @Test func aDatasetIsCheckedAgainstItsFilesOncePerImage() throws {
    let folder = try Fixtures.temporaryDirectory("size-check")
    defer { try? FileManager.default.removeItem(at: folder) }
    let picture = Image(
      width: 20, height: 10, channels: 3, pixels: [Float](repeating: 0.5, count: 600))
    try picture.write(to: folder.appendingPathComponent("a.png"))
    try picture.write(to: folder.appendingPathComponent("b.png"))
    let images = [
      DatasetImage(id: 1, fileName: "a.png", width: 20, height: 10, annotations: []),
      DatasetImage(id: 2, fileName: "b.png", width: 10, height: 20, annotations: []),
      DatasetImage(id: 3, fileName: "missing.png", width: 10, height: 20, annotations: []),
    ]
    let dataset = Dataset(
      format: .coco, imagesDirectory: folder, categories: [], images: images, warnings: [])
    let warnings = dataset.imageSizeWarnings()
    #expect(warnings.map(\.file) == ["b.png"])
    #expect(
      warnings.first?.problem
        == .sizeMismatch(annotatedWidth: 10, annotatedHeight: 20, width: 20, height: 10))
    var folderDataset = dataset
    folderDataset.format = .folder
    #expect(folderDataset.imageSizeWarnings().isEmpty)
  }
}
