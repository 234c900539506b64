import Boxes
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@testable import Datasets

@Suite struct SyntheticShapesTests {
  @Test func samplesAreDeterministicAndIndependent() throws {
    let shapes = try SyntheticShapes(width: 40, height: 30)
    #expect(shapes.sample(3, seed: 7) == shapes.sample(3, seed: 7))
    #expect(shapes.sample(3, seed: 7) != shapes.sample(4, seed: 7))
    #expect(shapes.sample(3, seed: 7) != shapes.sample(3, seed: 8))
  }

  /// The box lies inside the image, has the stated size range, and is the extent of the shape.
  @Test func boxIsInsideAndTight() throws {
    let shapes = try SyntheticShapes(width: 48, height: 32)
    var seen = Set<SyntheticShapes.Shape>()
    for index in 0..<30 {
      let sample = shapes.sample(index, seed: 1)
      seen.insert(sample.shape)
      let box = sample.box
      #expect(box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 48 && box.y2 <= 32)
      #expect(box.width == box.height && box.width >= 0.2 * 32 - 1 && box.width <= 0.7 * 32 + 1)
      // The pixel rows and columns the shape covers span the box up to one pixel.
      var (minX, minY, maxX, maxY) = (Int.max, Int.max, Int.min, Int.min)
      for y in 0..<32 {
        for x in 0..<48
        where SyntheticShapes.covers(sample.shape, box: box, x: Float(x) + 0.5, y: Float(y) + 0.5) {
          (minX, minY, maxX, maxY) = (min(minX, x), min(minY, y), max(maxX, x), max(maxY, y))
        }
      }
      #expect(abs(Float(minX) - box.x1) <= 1 && abs(Float(maxX + 1) - box.x2) <= 1)
      #expect(abs(Float(minY) - box.y1) <= 1 && abs(Float(maxY + 1) - box.y2) <= 1)
    }
    #expect(seen == Set(SyntheticShapes.Shape.allCases))
  }

  /// The object differs from the background: the mean inside the box's centre differs from
  /// the image's corner far from it.
  @Test func shapeContrastsWithBackground() throws {
    let sample = try SyntheticShapes(width: 64, height: 64, shapes: [.square]).sample(0, seed: 3)
    let (cx, cy) = (Int(sample.box.center.x), Int(sample.box.center.y))
    var difference: Float = 0
    let corner = (sample.box.x1 > 32 ? 1 : 62, sample.box.y1 > 32 ? 1 : 62)
    for channel in 0..<3 {
      difference += abs(
        sample.image[x: cx, y: cy, channel: channel]
          - sample.image[x: corner.0, y: corner.1, channel: channel])
    }
    #expect(difference / 3 > 0.1)
  }

  @Test func writesACOCODatasetThatReadsBack() throws {
    let folder = try Fixtures.temporaryDirectory("synthetic-shapes")
    defer { try? FileManager.default.removeItem(at: folder) }
    let generator = try SyntheticShapes(width: 32, height: 24, shapes: [.triangle, .circle])
    let written = try generator.writeCOCO(count: 4, seed: 5, to: folder)
    let read = try Dataset.load(from: folder)
    #expect(read.format == .coco)
    #expect(read.categories.map(\.name) == ["triangle", "circle"])
    #expect(read.images.count == 4)
    for (a, b) in zip(written.images, read.images) {
      #expect(a.fileName == b.fileName && a.annotations.count == 1 && b.annotations.count == 1)
      #expect(a.annotations[0].box == b.annotations[0].box)
      #expect(a.annotations[0].categoryID == b.annotations[0].categoryID)
    }
    let image = try Image(contentsOf: read.url(of: read.images[2]))
    #expect(image.width == 32 && image.height == 24)
    let expected = generator.sample(2, seed: 5).image
    // PNG stores 8 bits per sample.
    #expect(zip(image.pixels, expected.pixels).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })
  }
}
