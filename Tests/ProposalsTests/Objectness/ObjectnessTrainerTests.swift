import Boxes
import Foundation
import ProposalIO
import Testing

@testable import Proposals

@Suite struct ObjectnessTrainerTests {
  /// Two objects: a large one with three overlapping proposals, a small one with one.
  let truth = [Box(x1: 0, y1: 0, x2: 100, y2: 100), Box(x1: 200, y1: 200, x2: 220, y2: 220)]
  var proposals: [Proposal] {
    [
      Box(x1: 0, y1: 0, x2: 100, y2: 100),  // IoU 1 with the large object
      Box(x1: 0, y1: 0, x2: 100, y2: 80),  // 0.8
      Box(x1: 0, y1: 0, x2: 60, y2: 100),  // 0.6
      Box(x1: 200, y1: 200, x2: 220, y2: 222),  // 0.909 with the small object
      Box(x1: 0, y1: 0, x2: 100, y2: 40),  // 0.4: ignored by the threshold target
      Box(x1: 400, y1: 400, x2: 450, y2: 450),  // 0: background
    ].map { objectnessProposal($0) }
  }
  /// Cue rows whose first column is the proposal's index, so examples can be traced.
  var cues: [[Float]] {
    (0..<6).map { i in
      var row = [Float](repeating: 0, count: ObjectnessFeatures.names.count)
      row[0] = Float(i)
      return row
    }
  }

  @Test(arguments: [
    (Float(0.49), Float(0)), (0.5, 0.1), (0.72, 0.5), (0.9, 0.9), (0.95, 1), (1, 1),
  ])
  func averageRecallTargetCountsThresholds(iou: Float, expected: Float) {
    #expect(abs(ObjectnessTrainer.averageRecallTarget(iou) - expected) < 1e-6)
  }

  @Test func averageRecallTargetsWithObjectBalance() {
    let trainer = ObjectnessTrainer(cueNames: ["edge_density"])
    let examples = trainer.examples(proposals: proposals, cues: cues, groundTruth: truth)
    #expect(examples.map { $0.features[0] } == [0, 1, 2, 3, 4, 5])
    #expect(examples.map(\.target) == [1, 0.7, 0.3, 0.9, 0, 0])
    // 4 proposals at IoU >= 0.5 on 2 objects: each object's proposals share weight 2.
    let weights = examples.map(\.weight)
    for i in 0..<3 { #expect(abs(weights[i] - 2.0 / 3) < 1e-6) }
    #expect(weights[3] == 2 && weights[4] == 1 && weights[5] == 1)
  }

  @Test func thresholdTargetsIgnoreTheMiddle() {
    let trainer = ObjectnessTrainer(target: .threshold, balance: .none, cueNames: ["edge_density"])
    let examples = trainer.examples(proposals: proposals, cues: cues, groundTruth: truth)
    // 0.6 and 0.4 lie between 0.3 and 0.7.
    #expect(examples.map { $0.features[0] } == [0, 1, 3, 5])
    #expect(examples.map(\.target) == [1, 1, 1, 0])
    #expect(examples.allSatisfy { $0.weight == 1 })
  }

  @Test func samplingIsSeededAndAtMostHalfPositive() {
    var many: [Proposal] = [], rows: [[Float]] = []
    for i in 0..<40 {
      let shift = Float(i % 2 == 0 ? 0 : 300)
      many.append(
        objectnessProposal(Box(x1: shift, y1: 0, x2: shift + 100, y2: 100 - Float(i % 5))))
      var row = [Float](repeating: 0, count: ObjectnessFeatures.names.count)
      row[0] = Float(i)
      rows.append(row)
    }
    let trainer = ObjectnessTrainer(perImage: 8, cueNames: ["edge_density"], seed: 5)
    let first = trainer.examples(
      proposals: many, cues: rows, groundTruth: [truth[0]], imageIndex: 2)
    #expect(first.count == 8)
    #expect(first.filter { $0.target > 0 }.count <= 4)
    #expect(
      trainer.examples(proposals: many, cues: rows, groundTruth: [truth[0]], imageIndex: 2) == first
    )
    let other = trainer.examples(
      proposals: many, cues: rows, groundTruth: [truth[0]], imageIndex: 3)
    #expect(other.map { $0.features[0] } != first.map { $0.features[0] })
  }

  @Test func noObjectsGiveNoExamples() {
    #expect(ObjectnessTrainer().examples(proposals: proposals, cues: cues, groundTruth: []).isEmpty)
  }

  @Test func fitRecordsTheSettingsInTheModel() throws {
    let trainer = ObjectnessTrainer(cueNames: ["edge_density", "log_rank"], redundancyExponent: 3)
    var examples: [ObjectnessTrainer.Example] = []
    for i in 0..<20 {
      examples.append(
        .init(features: [Float(i % 4), Float(i)], target: i % 4 == 0 ? 1 : 0, weight: 1))
    }
    let model = try trainer.fit(
      examples, training: .init(generator: "edge-boxes", generatorSettings: "alpha 0.65"))
    #expect(model.featureNames == ["edge_density", "log_rank"])
    #expect(model.redundancyExponent == 3)
    #expect(model.training.generator == "edge-boxes")
    #expect(model.training.examples == 20)
    #expect(model.training.target == .averageRecall && model.training.balance == .object)
    try model.validate(file: "model")
  }

  @Test func badSettingsAreRejected() {
    let bad = [
      ObjectnessTrainer(positiveIoU: 0.3, negativeIoU: 0.5),
      ObjectnessTrainer(perImage: 1),
      ObjectnessTrainer(cueNames: []),
      ObjectnessTrainer(cueNames: ["log_rank", "log_rank"]),
      ObjectnessTrainer(cueNames: ["area"]),
      ObjectnessTrainer(l2: -1),
      ObjectnessTrainer(redundancyExponent: -0.5),
      ObjectnessTrainer(cueSettings: .init(superpixels: 0)),
    ]
    for trainer in bad {
      #expect(throws: ObjectnessError.self, "\(trainer)") { try trainer.validate() }
    }
    #expect(throws: ObjectnessError.self) {
      try ObjectnessTrainer().fit([], training: .init(generator: "g"))
    }
  }
}
