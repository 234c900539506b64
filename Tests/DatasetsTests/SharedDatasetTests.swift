import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

/// The real datasets in `../shared/data` (never committed); each test is disabled when its
/// dataset is absent.
@Suite struct SharedDatasetTests {
  @Test(
    .enabled(
      if: Fixtures.sharedDataset("coco-tiny") != nil, "../shared/data/coco-tiny is absent"))
  func cocoTinyLoadsWithItsPublishedCounts() throws {
    let folder = try #require(Fixtures.sharedDataset("coco-tiny"))
    let dataset = try Dataset.load(from: folder)
    let statistics = DatasetStatistics(dataset)
    #expect(dataset.format == .coco)
    #expect(statistics.imageCount == 160)
    #expect(statistics.boxCount == 1520)
    #expect(statistics.crowdCount == 17)
    #expect(dataset.categories.count == 80)
    #expect(dataset.categories.first?.id == 1 && dataset.categories.last?.id == 90)
    #expect(statistics.boxesPerCategory.allSatisfy { $0.boxes > 0 })
    #expect(dataset.warnings.isEmpty)
    #expect(statistics.emptyImageCount == 0)
    // SOURCE.txt: 496 boxes with w*h < 32*32.
    #expect(statistics.areaHistogram.small == 496)
  }

  @Test(
    .enabled(if: Fixtures.sharedDataset("raccoon") != nil, "../shared/data/raccoon is absent"))
  func raccoonLoadsWithItsPublishedCounts() throws {
    let folder = try #require(Fixtures.sharedDataset("raccoon"))
    let dataset = try Dataset.load(from: folder)
    let statistics = DatasetStatistics(dataset)
    #expect(dataset.format == .voc)
    #expect(statistics.imageCount == 200)
    #expect(statistics.boxCount == 217)
    #expect(dataset.categories == [Category(id: 1, label: 0, name: "raccoon")])
    #expect(statistics.difficultCount == 0)
    #expect(dataset.warnings.isEmpty)
    let first = try #require(dataset.images.first { $0.fileName == "raccoon-1.jpg" })
    #expect(first.width == 650 && first.height == 417)
    #expect(first.annotations.map(\.box) == [Box(x1: 80, y1: 87, x2: 522, y2: 408)])
    #expect(
      FileManager.default.fileExists(atPath: dataset.url(of: first).path),
      "image file names resolve against images/")
  }
}
