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
}
