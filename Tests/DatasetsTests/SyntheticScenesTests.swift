import Boxes
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@testable import Datasets

@Suite struct SyntheticScenesTests {
  @Test func scenesAreDeterministicAndIndependent() throws {
    let scenes = try SyntheticScenes(width: 48, height: 40)
    #expect(scenes.sample(2, seed: 7) == scenes.sample(2, seed: 7))
    #expect(scenes.sample(2, seed: 7) != scenes.sample(3, seed: 7))
    #expect(scenes.sample(2, seed: 7) != scenes.sample(2, seed: 8))
  }

  /// Object counts cover the range, every class appears, boxes lie inside the image, and the
  /// aspect ratios are varied.
  @Test func countsClassesAndBoxes() throws {
    let scenes = try SyntheticScenes(width: 96, height: 64, minObjects: 2, maxObjects: 5)
    var counts = Set<Int>()
    var classes = Set<SyntheticShapes.Shape>()
    var aspects: [Float] = []
    for index in 0..<40 {
      let scene = scenes.sample(index, seed: 3)
      counts.insert(scene.objects.count)
      #expect(scene.objects.count <= 5)
      for object in scene.objects {
        classes.insert(object.shape)
        let box = object.box
        #expect(box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 96 && box.y2 <= 64 && !box.isDegenerate)
        aspects.append(box.width / box.height)
      }
    }
    #expect(counts.isSuperset(of: [2, 3, 4, 5]))
    #expect(classes == Set(SyntheticShapes.Shape.allCases))
    #expect(aspects.min()! < 0.75 && aspects.max()! > 1.3)
  }

  /// Each box is the extent of its object's visible pixels: the pixels that share the object's
  /// colour (up to the noise) reach all four sides of the box, and an object on top is not
  /// hidden at all.
  @Test func boxesAreVisibleExtents() throws {
    let scenes = try SyntheticScenes(width: 64, height: 64, shapes: [.square], maxObjects: 3)
    for index in 0..<10 {
      let scene = scenes.sample(index, seed: 11)
      guard let top = scene.objects.last else { continue }
      let box = top.box
      // A rectangle drawn last is fully visible: its four corner pixels have the colour of its
      // centre, and the pixels just outside it (where inside the image) differ from it or
      // belong to another object, so at least the centre colour is uniform inside.
      let (cx, cy) = (Int(box.center.x), Int(box.center.y))
      for (x, y) in [(Int(box.x1), Int(box.y1)), (Int(box.x2) - 1, Int(box.y2) - 1)] {
        var difference: Float = 0
        for channel in 0..<3 {
          difference += abs(
            scene.image[x: x, y: y, channel: channel] - scene.image[x: cx, y: cy, channel: channel])
        }
        #expect(difference / 3 <= 0.25, "scene \(index): corner (\(x), \(y)) is not the object")
      }
    }
  }

  /// With `maxOcclusion` 0 no object may hide any pixel of another: rectangles never overlap.
  @Test func occlusionLimitIsHonoured() throws {
    let scenes = try SyntheticScenes(
      width: 64, height: 64, shapes: [.square], minObjects: 4, maxObjects: 4, maxOcclusion: 0)
    var total = 0
    for index in 0..<10 {
      let boxes = scenes.sample(index, seed: 5).objects.map(\.box)
      total += boxes.count
      for a in boxes.indices {
        for b in boxes.indices where a < b {
          #expect(boxes[a].intersectionArea(boxes[b]) == 0, "scene \(index)")
        }
      }
    }
    #expect(total >= 30)  // most placements still succeed
  }

  @Test func writesACOCODatasetWithSeveralObjectsPerImage() throws {
    let folder = try Fixtures.temporaryDirectory("synthetic-scenes")
    defer { try? FileManager.default.removeItem(at: folder) }
    let generator = try SyntheticScenes(width: 40, height: 32, minObjects: 2, maxObjects: 3)
    let written = try generator.writeCOCO(count: 3, seed: 9, to: folder)
    let read = try Dataset.load(from: folder)
    #expect(read.categories.map(\.name) == ["circle", "square", "triangle"])
    #expect(read.images.map(\.annotations.count) == written.images.map(\.annotations.count))
    #expect(read.images.allSatisfy { $0.annotations.count >= 2 })
    let ids = read.images.flatMap { $0.annotations.map(\.id) }
    #expect(Set(ids).count == ids.count)
    for (a, b) in zip(written.images, read.images) {
      #expect(a.annotations.map(\.box) == b.annotations.map(\.box))
      #expect(a.annotations.map(\.categoryID) == b.annotations.map(\.categoryID))
    }
  }

  @Test func outOfRangeParametersAreTypedErrors() throws {
    #expect(
      throws: DatasetsError.invalidArgument(name: "width", value: "8", allowed: "16...65536")
    ) {
      _ = try SyntheticScenes(width: 8)
    }
    #expect(throws: DatasetsError.self) { _ = try SyntheticScenes(minObjects: 3, maxObjects: 2) }
    #expect(throws: DatasetsError.self) { _ = try SyntheticScenes(sizeRange: 0...0.5) }
    #expect(throws: DatasetsError.self) { _ = try SyntheticScenes(aspectRange: 1...Float.infinity) }
    #expect(throws: DatasetsError.self) { _ = try SyntheticScenes(maxOcclusion: 1) }
    #expect(throws: DatasetsError.self) { _ = try SyntheticScenes(shapes: [.circle, .circle]) }
    #expect(throws: DatasetsError.self) { _ = try SyntheticShapes(height: 70_000) }
    let folder = try Fixtures.temporaryDirectory("scenes-count")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      throws: DatasetsError.invalidArgument(name: "count", value: "0", allowed: "1 or more")
    ) {
      _ = try SyntheticScenes().writeCOCO(count: 0, seed: 1, to: folder)
    }
  }
}
