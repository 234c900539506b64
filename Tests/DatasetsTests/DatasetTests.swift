import Boxes
import Datasets
import Foundation
import Testing

@Suite struct DatasetTests {
  @Test func imageURLIsRelativeToImagesDirectory() {
    let dataset = Dataset(
      format: .coco, imagesDirectory: URL(fileURLWithPath: "/data/images"), categories: [],
      images: [DatasetImage(id: 1, fileName: "a.jpg", width: 2, height: 2, annotations: [])])
    #expect(dataset.url(of: dataset.images[0]).path == "/data/images/a.jpg")
  }

  @Test func convertsBetweenLabelsAndCategoryIDs() {
    let ids = [1, 2, 5, 7, 11, 90]
    let dataset = Dataset(
      format: .coco, imagesDirectory: URL(fileURLWithPath: "/data/images"),
      categories: ids.enumerated().map { Category(id: $1, label: $0, name: "c\($1)") },
      images: [])
    for (label, id) in ids.enumerated() {
      #expect(dataset.label(forCategoryID: id) == label)
      #expect(dataset.categoryID(forLabel: label) == id)
    }
    for missing in [0, 3, 6, 8, 89, 91, -1] {
      #expect(dataset.label(forCategoryID: missing) == nil)
    }
    #expect(dataset.categoryID(forLabel: -1) == nil)
    #expect(dataset.categoryID(forLabel: ids.count) == nil)
    #expect(dataset.warnings.isEmpty)
  }
}
