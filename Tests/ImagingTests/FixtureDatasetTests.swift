import Foundation
import Imaging
import RegionKitTestSupport
import Testing

/// Checks the hand-annotated COCO fixture (`Fixtures/dataset/`) against its photos.
@Suite struct FixtureDatasetTests {
  struct Annotations: Decodable {
    struct ImageEntry: Decodable {
      let id: Int
      let file_name: String
      let width: Int
      let height: Int
    }
    struct Annotation: Decodable {
      let id: Int
      let image_id: Int
      let category_id: Int
      let bbox: [Float]
      let area: Float
    }
    struct Category: Decodable {
      let id: Int
      let name: String
    }
    let images: [ImageEntry]
    let annotations: [Annotation]
    let categories: [Category]
  }

  let dataset: Annotations

  init() throws {
    let data = try Data(contentsOf: Fixtures.url("dataset/annotations.json"))
    dataset = try JSONDecoder().decode(Annotations.self, from: data)
  }

  @Test func imagesExistWithTheirStatedSizes() throws {
    #expect(dataset.images.count == 4)
    for entry in dataset.images {
      let info = try ImageInfo.read(contentsOf: Fixtures.url("dataset/images/\(entry.file_name)"))
      #expect(
        info.uprightWidth == entry.width && info.uprightHeight == entry.height, "\(entry.file_name)"
      )
    }
  }

  @Test func boxesLieInsideTheirImagesWithKnownCategories() {
    let images = Dictionary(uniqueKeysWithValues: dataset.images.map { ($0.id, $0) })
    let categories = Set(dataset.categories.map(\.id))
    #expect(Set(dataset.annotations.map(\.id)).count == dataset.annotations.count)
    for annotation in dataset.annotations {
      guard let image = images[annotation.image_id] else {
        Issue.record("annotation \(annotation.id): unknown image \(annotation.image_id)")
        continue
      }
      #expect(categories.contains(annotation.category_id))
      let box = annotation.bbox
      #expect(box.count == 4 && box[2] > 0 && box[3] > 0)
      #expect(box[0] >= 0 && box[1] >= 0)
      #expect(box[0] + box[2] <= Float(image.width) && box[1] + box[3] <= Float(image.height))
      #expect(annotation.area == box[2] * box[3])
    }
    // Every photo has at least one object.
    #expect(Set(dataset.annotations.map(\.image_id)) == Set(images.keys))
  }
}
