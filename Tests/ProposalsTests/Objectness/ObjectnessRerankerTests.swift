import Boxes
import Foundation
import Imaging
import Testing

@testable import Proposals

@Suite struct ObjectnessRerankerTests {
  let boxes = [
    Box(x1: 32, y1: 4, x2: 60, y2: 30), Box(x1: 0, y1: 0, x2: 10, y2: 10),
    Box(x1: 19, y1: 15, x2: 45, y2: 49), Box(x1: 20, y1: 15, x2: 45, y2: 49),
  ]

  func reranker(redundancyExponent: Float = 2) throws -> ObjectnessReranker {
    var model = try smallObjectnessModel(redundancyExponent: redundancyExponent)
    model.cues = .init(workingSide: nil, superpixels: 16)
    return try ObjectnessReranker(base: FixedGenerator(name: "fixed", boxes: boxes), model: model)
  }

  @Test func isDeterministicAndKeepsEveryProposalAndItsProvenance() throws {
    let reranker = try reranker()
    let image = objectnessRectangleImage()
    let first = try reranker.proposals(for: image)
    #expect(try reranker.proposals(for: image) == first)
    #expect(first.count == boxes.count && Set(first.map(\.box)) == Set(boxes))
    #expect(first.allSatisfy { $0.provenance.method == "fixed" })
    #expect(zip(first, first.dropFirst()).allSatisfy { $0.score >= $1.score })
    #expect(first.allSatisfy { $0.score >= 0 && $0.score <= 1 })
    #expect(reranker.name == "fixed+objectness")
  }

  /// The re-ranker's order is the model's probabilities put through the diversity step.
  @Test func appliesTheDiversityStepToTheModelsProbabilities() throws {
    let image = objectnessRectangleImage()
    for gamma: Float in [0, 2] {
      let reranker = try reranker(redundancyExponent: gamma)
      let proposals = try reranker.base.proposals(for: image)
      let cues = try ObjectnessFeatures(image: image, settings: reranker.model.cues)
      let probabilities = proposals.indices.map {
        reranker.model.probability(
          cues: cues.features(for: proposals[$0], rank: $0, count: proposals.count))
      }
      let expected = diverseOrder(
        boxes: boxes, scores: probabilities, redundancyExponent: gamma)
      let result = try reranker.proposals(for: image)
      #expect(result.map(\.box) == expected.map { boxes[$0.index] })
      #expect(result.map(\.score) == expected.map(\.score))
    }
  }

  @Test func refusesAGeneratorItWasNotTrainedForUnlessForced() throws {
    let model = try smallObjectnessModel(generator: "edge-boxes", settings: "alpha 0.65")
    let base = FixedGenerator(name: "fixed", boxes: boxes)
    do throws(ObjectnessError) {
      _ = try ObjectnessReranker(base: base, model: model)
      Issue.record("expected a generator mismatch")
    } catch {
      #expect(
        error
          == .generatorMismatch(
            file: "objectness model", trainedFor: "edge-boxes (alpha 0.65)", given: "fixed"))
    }
    let forced = try ObjectnessReranker(base: base, model: model, force: true)
    #expect(try forced.proposals(for: objectnessRectangleImage()).count == boxes.count)
    #expect(throws: ObjectnessError.self) {
      _ = try ObjectnessReranker(
        base: FixedGenerator(name: "edge-boxes", boxes: boxes), model: model,
        generatorSettings: "alpha 0.5")
    }
  }

  @Test func greyImagesAndEmptyListsAreHandled() throws {
    let reranker = try reranker()
    let grey = Image(width: 64, height: 64, channels: 1, repeating: 0.5)
    #expect(try reranker.proposals(for: grey).count == boxes.count)
    #expect(try reranker.rerank([], in: grey).isEmpty)
  }
}
