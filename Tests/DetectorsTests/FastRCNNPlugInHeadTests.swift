import Boxes
import Foundation
import Imaging
import NeuralNet
import Testing

@testable import Detectors

/// A user's ``RegionClassifier`` on pooled RoI features in place of the trained head, and the
/// pooled features a user trains such a classifier on.
@Suite struct FastRCNNPlugInHeadTests {
  /// Says "class 2 with 0.9" for every region; checks it gets `[R, C, P, P]`.
  struct SecondClass: RegionClassifier {
    var classes: [String]
    var channels: Int, pooled: Int
    var columns = 3
    func classify(_ regions: Tensor) throws -> RegionClassification {
      guard regions.rank == 4, regions.shape[1...] == [channels, pooled, pooled] else {
        throw DetectorsError.malformedClassification(
          classifier: "SecondClass", reason: "got \(regions.shape)")
      }
      var probabilities = Tensor(zeros: [regions.shape[0], columns])
      for r in 0..<regions.shape[0] {
        probabilities.data[r * columns] = 0.1
        probabilities.data[r * columns + columns - 1] = 0.9
      }
      return RegionClassification(probabilities: probabilities)
    }
  }

  @Test func detectionRunsTheClassifierGiven() throws {
    let c = BackboneTests.configuration()
    var model = FastRCNN(configuration: c, seed: 2)
    model.classifier = SecondClass(
      classes: c.classNames, channels: c.featureChannels, pooled: c.pooledSize)
    let (image, _) = BackboneTests.image()
    let detections = try model.detect(in: image, proposals: BackboneTests.proposals)
    #expect(!detections.isEmpty)
    #expect(detections.allSatisfy { $0.label == 2 && $0.category.name == "b" })
    #expect(detections.allSatisfy { abs($0.score - 0.9) < 1e-6 })
    // Without box deltas, each detection keeps its proposal's box.
    #expect(detections.allSatisfy { BackboneTests.proposals.contains($0.box) })
  }

  @Test func aMalformedClassificationNamesTheClassifier() throws {
    let c = BackboneTests.configuration()
    var model = FastRCNN(configuration: c, seed: 2)
    model.classifier = SecondClass(
      classes: c.classNames, channels: c.featureChannels, pooled: c.pooledSize, columns: 2)
    let (image, _) = BackboneTests.image()
    let error = #expect(throws: DetectorsError.self) {
      _ = try model.detect(in: image, proposals: BackboneTests.proposals)
    }
    guard case .malformedClassification(let classifier, let reason)? = error else {
      Issue.record("expected malformedClassification, got \(String(describing: error))")
      return
    }
    #expect(classifier == "SecondClass" && reason.contains("[5, 3]"))
  }

  /// What a user trains a head on: the pooled features of the proposals, as the detector
  /// pools them; the trained head gives the same classification from them.
  @Test func pooledFeaturesAreWhatTheHeadClassifies() throws {
    let c = BackboneTests.configuration()
    let model = FastRCNN(configuration: c, seed: 2)
    let (image, _) = BackboneTests.image()
    let pooled = try model.pooledFeatures(of: image, proposals: BackboneTests.proposals)
    #expect(pooled.shape == [5, c.featureChannels, c.pooledSize, c.pooledSize])
    let input = FastRCNN.input(image, configuration: c)
    let features = try model.backbone.features(input.tensor)
    #expect(pooled == model.pooledFeatures(features, proposals: BackboneTests.proposals))
    #expect(model.pooledFeatures(features, proposals: []).shape == [0, c.featureChannels, 3, 3])
  }
}
