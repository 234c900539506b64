import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct DetectionTests {
  @Test func convertsLabelsThroughTheDatasetsCategories() throws {
    let dataset = try Dataset.load(from: Fixtures.url("datasets/coco-small"))
    let box = Box(x1: 1, y1: 2, x2: 3, y2: 4)
    let detection = try Detection(
      imageID: 10, box: box, label: 3, score: 0.9, categories: dataset.categories)
    #expect(detection.categoryID == 18)
    #expect(detection.label(in: dataset) == 3)
    #expect(throws: DatasetsError.labelOutOfRange(label: 4, categoryCount: 4)) {
      try Detection(imageID: 10, box: box, label: 4, score: 0.9, categories: dataset.categories)
    }
    let unknown = Detection(imageID: 10, box: box, categoryID: 2, score: 0.1)
    #expect(unknown.label(in: dataset) == nil)
  }
}
