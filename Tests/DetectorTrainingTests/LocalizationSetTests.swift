import Boxes
import Datasets
import DetectorTraining
import Detectors
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct LocalizationSetTests {
  @Test func splitIsSeededDisjointAndComplete() {
    let set = TinyShapes.set(count: 20, seed: 1)
    let (train, validation) = set.split(validationFraction: 0.25, seed: 9)
    #expect(train.samples.count == 15 && validation.samples.count == 5)
    let ids = Set(train.samples.map(\.imageID)).union(validation.samples.map(\.imageID))
    #expect(ids.count == 20)
    #expect(
      set.split(validationFraction: 0.25, seed: 9).validation.samples.map(\.imageID)
        == validation.samples.map(\.imageID))
    #expect(
      set.split(validationFraction: 0.25, seed: 10).validation.samples.map(\.imageID)
        != validation.samples.map(\.imageID))
  }

  @Test func corruptionReplacesTheRequestedShare() {
    let set = TinyShapes.set(count: 20, seed: 1)
    let (noisy, corrupted) = set.corruptingBoxes(fraction: 0.1, seed: 4)
    #expect(corrupted.count == 2)
    for index in set.samples.indices {
      let changed = noisy.samples[index].box != set.samples[index].box
      #expect(changed == corrupted.contains(index))
      let box = noisy.samples[index].box!
      #expect(box.x1 >= 0 && box.x2 <= 1 && box.width >= 0.0499 && box.height >= 0.0499)
    }
    #expect(set.corruptingBoxes(fraction: 0, seed: 4).corrupted.isEmpty)
  }

  @Test func flippedBatchMirrorsImageAndBox() throws {
    let set = TinyShapes.set(count: 1, seed: 3)
    let plain = try set.batch([0]), mirrored = try set.batch([0], flipped: [true])
    #expect(plain.images[0, 1, 5, 2] == mirrored.images[0, 1, 5, 21])
    #expect(abs(plain.targets[0, 0] - (1 - mirrored.targets[0, 0])) < 1e-6)
    #expect(
      plain.targets[0, 1] == mirrored.targets[0, 1] && plain.targets[0, 2] == mirrored.targets[0, 2]
    )
    #expect(plain.labels == mirrored.labels && plain.hasBox == [true])
  }

  /// From a COCO dataset on disk: the largest object of each image, boxes in unit coordinates.
  @Test func loadsTheLargestObject() throws {
    let folder = try Fixtures.temporaryDirectory("localization-set")
    defer { try? FileManager.default.removeItem(at: folder) }
    let written = try SyntheticShapes(width: 32, height: 32).writeCOCO(
      count: 3, seed: 2, to: folder)
    var dataset = try Dataset.load(from: folder)
    let small = Box(x1: 0, y1: 0, x2: 2, y2: 2)
    dataset.images[0].annotations.append(Annotation(box: small, label: 1, categoryID: 2))
    dataset.images[1].annotations = []
    let configuration = ClassifyAndLocalizeConfiguration(
      classes: DetectorClass.numbered(["circle", "square", "triangle"]), inputWidth: 16,
      inputHeight: 16)
    let set = try LocalizationSet(dataset: dataset, configuration: configuration)
    #expect(set.samples.map(\.imageID) == [1, 3])
    let box = written.images[0].annotations[0].box
    #expect(
      set.samples[0].box == Box(x1: box.x1 / 32, y1: box.y1 / 32, x2: box.x2 / 32, y2: box.y2 / 32))
    #expect(set.samples[0].label == written.images[0].annotations[0].label)
    #expect(set.samples[0].pixels.count == 3 * 16 * 16)

    var withBackground = configuration
    withBackground.includesBackground = true
    let all = try LocalizationSet(dataset: dataset, configuration: withBackground)
    #expect(all.samples.map(\.imageID) == [1, 2, 3])
    #expect(all.samples[1].box == nil && all.samples[1].label == 0)
    #expect(all.samples[0].label == written.images[0].annotations[0].label + 1)
  }

  /// A streaming set reads only annotations; its batches decode the same pixels.
  @Test func streamingSetGivesTheSameBatches() throws {
    let folder = try Fixtures.temporaryDirectory("localization-set-stream")
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try SyntheticShapes(width: 32, height: 32).writeCOCO(count: 3, seed: 4, to: folder)
    let dataset = try Dataset.load(from: folder)
    let configuration = ClassifyAndLocalizeConfiguration(
      classes: DetectorClass.numbered(["circle", "square", "triangle"]), inputWidth: 16,
      inputHeight: 16)
    let decoded = try LocalizationSet(dataset: dataset, configuration: configuration)
    let streamed = try LocalizationSet(
      dataset: dataset, configuration: configuration, streams: true)
    #expect(streamed.samples.allSatisfy { $0.pixels.isEmpty && $0.url != nil })
    #expect(streamed.samples.map(\.box) == decoded.samples.map(\.box))
    let flips = [true, false, true]
    let a = try decoded.batch([2, 0, 1], flipped: flips)
    let b = try streamed.batch([2, 0, 1], flipped: flips)
    #expect(a.images == b.images && a.targets == b.targets && a.labels == b.labels)
    // A streamed image that has gone away fails at its batch.
    try FileManager.default.removeItem(at: try #require(streamed.samples[1].url))
    #expect(throws: (any Error).self) { _ = try streamed.batch([1]) }
    #expect(throws: Never.self) { _ = try streamed.batch([0, 2]) }
  }

  @Test func noUsableImageIsAnError() throws {
    let folder = try Fixtures.temporaryDirectory("localization-set-empty")
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try SyntheticShapes(width: 16, height: 16).writeCOCO(count: 1, seed: 2, to: folder)
    var dataset = try Dataset.load(from: folder)
    dataset.images[0].annotations = []
    let configuration = ClassifyAndLocalizeConfiguration(
      classes: DetectorClass.numbered(["circle", "square", "triangle"]))
    #expect(throws: DetectorsError.self) {
      _ = try LocalizationSet(dataset: dataset, configuration: configuration)
    }
  }
}

/// Raccoon (VOC, mostly one object per image) from ../shared/data; skipped when absent.
@Suite(.enabled(if: Fixtures.sharedDataset("raccoon") != nil, "../shared/data/raccoon is absent"))
struct RaccoonLocalizationSetTests {
  @Test func everyImageGivesOneUnitBox() throws {
    let dataset = try Dataset.load(from: try #require(Fixtures.sharedDataset("raccoon")))
    let configuration = ClassifyAndLocalizeConfiguration(
      classes: dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) },
      inputWidth: 32, inputHeight: 32)
    let set = try LocalizationSet(dataset: dataset, configuration: configuration)
    #expect(configuration.classNames == ["raccoon"])
    #expect(set.samples.count == dataset.images.count)
    for sample in set.samples {
      let box = try #require(sample.box)
      #expect(
        box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 1.0001 && box.y2 <= 1.0001 && !box.isDegenerate)
    }
    let (train, validation) = set.split(validationFraction: 0.2, seed: 0)
    #expect(train.samples.count == 160 && validation.samples.count == 40)
  }
}
