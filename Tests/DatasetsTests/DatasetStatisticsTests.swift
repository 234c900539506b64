import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct DatasetStatisticsTests {
  @Test func countsTheCOCOFixture() throws {
    let statistics = DatasetStatistics(try Dataset.load(from: Fixtures.url("datasets/coco-small")))
    #expect(statistics.imageCount == 3)
    #expect(statistics.emptyImageCount == 1)
    #expect(statistics.boxCount == 4)
    #expect(statistics.crowdCount == 1)
    #expect(statistics.difficultCount == 0)
    #expect(statistics.boxesPerCategory.map(\.name) == ["person", "car", "airplane", "dog"])
    #expect(statistics.boxesPerCategory.map(\.boxes) == [1, 1, 0, 2])
    #expect(statistics.boxesPerCategory.map(\.images) == [1, 1, 0, 2])
    // Areas: 30x40 = 1200 (medium), 99.5x78.75 = 7835.6 (medium), 14x8 = 112, 3x4 = 12 (small).
    #expect(statistics.areaHistogram == .init(small: 2, medium: 2, large: 0))
    // Sides √area: 34.6 → bin 5, 88.5 → 6, 10.6 → 3, 3.46 → 1.
    #expect(statistics.sideLengthHistogram == [0, 1, 0, 1, 0, 1, 1])
  }

  @Test func bucketBoundariesFollowCOCO() {
    func image(_ side: Float) -> DatasetImage {
      DatasetImage(
        id: 1, fileName: "a", width: 1000, height: 1000,
        annotations: [
          Annotation(box: Box(x1: 0, y1: 0, x2: side, y2: side), label: 0, categoryID: 1)
        ])
    }
    let dataset = Dataset(
      format: .voc, imagesDirectory: URL(fileURLWithPath: "/"),
      categories: [Category(id: 1, label: 0, name: "a")],
      images: [image(0.5), image(31.99), image(32), image(95.99), image(96)])
    let statistics = DatasetStatistics(dataset)
    #expect(statistics.areaHistogram == .init(small: 2, medium: 2, large: 1))
    #expect(statistics.sideLengthHistogram == [1, 0, 0, 0, 1, 1, 2])
    #expect(statistics.boxesPerCategory[0].images == 5)
  }

  @Test func emptyDatasetHasEmptyHistograms() {
    let statistics = DatasetStatistics(
      Dataset(
        format: .folder, imagesDirectory: URL(fileURLWithPath: "/"), categories: [], images: []))
    #expect(statistics.boxCount == 0)
    #expect(statistics.sideLengthHistogram.isEmpty)
  }
}
