import Boxes
import Datasets
import Foundation
import Proposals
import RegionKitTestSupport
import Testing

@testable import ProposalStudies

@Suite struct ObjectnessStudyTests {
  static func scenes(_ count: Int, seed: UInt64) throws -> (Dataset, URL) {
    let folder = try Fixtures.temporaryDirectory("objectness-study")
    let dataset = try SyntheticScenes(width: 96, height: 80, minObjects: 1, maxObjects: 3)
      .writeCOCO(count: count, seed: seed, to: folder)
    return (dataset, folder)
  }

  static let generator = SelectiveSearch(mode: .single, maxProposals: 150, threads: 1)
  static let settings = ObjectnessFeatures.Settings(workingSide: 64, superpixels: 30)

  /// The evaluation without its timings, which differ between runs.
  func untimed(_ e: ObjectnessStudy.Evaluation) -> ObjectnessStudy.Evaluation {
    var copy = e
    copy.secondsPerImage = [:]
    return copy
  }

  @Test func foldsPartitionTheImagesAndFollowTheSeed() {
    let folds = ObjectnessStudy.foldAssignment(count: 23, folds: 5, seed: 4)
    #expect(folds.count == 5)
    #expect(folds.flatMap { $0 }.sorted() == Array(0..<23))
    #expect(folds.allSatisfy { $0.count == 4 || $0.count == 5 })
    #expect(folds.allSatisfy { $0 == $0.sorted() })
    #expect(ObjectnessStudy.foldAssignment(count: 23, folds: 5, seed: 4) == folds)
    #expect(ObjectnessStudy.foldAssignment(count: 23, folds: 5, seed: 5) != folds)
  }

  @Test func crossValidationHoldsEveryImageOutOnceAndIsDeterministic() throws {
    let (dataset, folder) = try Self.scenes(9, seed: 2)
    defer { try? FileManager.default.removeItem(at: folder) }
    let one = try ObjectnessStudy.prepare(
      dataset: dataset, generator: Self.generator, cueSettings: Self.settings, threads: 1)
    let two = try ObjectnessStudy.prepare(
      dataset: dataset, generator: Self.generator, cueSettings: Self.settings, threads: 2)
    #expect(one.map(\.proposals) == two.map(\.proposals))
    #expect(one.map(\.cues) == two.map(\.cues))

    let study = ObjectnessStudy(
      trainer: ObjectnessTrainer(cueSettings: Self.settings), bootstrapSamples: 50)
    let evaluations = try study.crossValidate(
      one, folds: 3, datasetName: "scenes", generator: ("selective-search", "mode single"))
    #expect(evaluations.map(\.name) == ["fold 1 of 3", "fold 2 of 3", "fold 3 of 3", "all folds"])
    #expect(evaluations.prefix(3).map(\.testImages).reduce(0, +) == 9)
    #expect(evaluations.prefix(3).allSatisfy { $0.trainImages == 6 })
    let all = evaluations[3]
    #expect(all.testImages == 9)
    #expect(all.objects == dataset.images.reduce(0) { $0 + $1.annotations.count })
    for curve in [all.base, all.withoutDiversity, all.reranked] {
      #expect(curve.averageRecall.allSatisfy { (0...1).contains($0) })
      #expect(curve.standardError.allSatisfy { $0 >= 0 })
      #expect(zip(curve.averageRecall, curve.averageRecall.dropFirst()).allSatisfy { $0 <= $1 })
    }
    for k in all.ratio.indices where all.base.averageRecall[k] > 0 {
      #expect(abs(all.ratio[k] - all.reranked.averageRecall[k] / all.base.averageRecall[k]) < 1e-12)
    }
    // Re-ranking only reorders: with every proposal counted, recall is the same.
    #expect(all.reranked.averageRecall.last == all.base.averageRecall.last)
    #expect(all.secondsPerImage["generator"].map { $0 > 0 } == true)
    let again = try study.crossValidate(
      two, folds: 3, datasetName: "scenes", generator: ("selective-search", "mode single"))
    #expect(again.map(untimed) == evaluations.map(untimed))
  }

  @Test func transferRanksAnotherDatasetWithOneModel() throws {
    let (train, trainFolder) = try Self.scenes(6, seed: 7)
    let (test, testFolder) = try Self.scenes(4, seed: 8)
    defer {
      try? FileManager.default.removeItem(at: trainFolder)
      try? FileManager.default.removeItem(at: testFolder)
    }
    let study = ObjectnessStudy(
      trainer: ObjectnessTrainer(cueSettings: Self.settings), bootstrapSamples: 20)
    let trainImages = try ObjectnessStudy.prepare(
      dataset: train, generator: Self.generator, cueSettings: Self.settings)
    let model = try study.fit(
      trainImages, training: .init(generator: "selective-search", dataset: "a"))
    #expect(model.training.images == 6 && model.training.imageListHash.count == 16)
    let evaluation = study.transfer(
      model,
      to: try ObjectnessStudy.prepare(
        dataset: test, generator: Self.generator, cueSettings: Self.settings),
      name: "b", trainedOn: "a")
    #expect(evaluation.testImages == 4 && evaluation.trainImages == 6)
    #expect(evaluation.meanTopIoU.keys.sorted() == ["base", "reranked", "without_diversity"])

    let report = ObjectnessStudyReport(
      generator: "selective-search", generatorSettings: "mode single", dataset: "a",
      trainer: study.trainer, evaluations: [evaluation])
    let folder = try Fixtures.temporaryDirectory("objectness-report")
    defer { try? FileManager.default.removeItem(at: folder) }
    try report.write(to: folder)
    for name in ["summary.json", "table.md", "ar_vs_proposals_b.svg"] {
      #expect(
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
    }
    let decoded = try JSONDecoder().decode(
      ObjectnessStudyReport.self,
      from: Data(contentsOf: folder.appendingPathComponent("summary.json")))
    #expect(decoded == report)
    #expect(report.markdown().contains("| b | a | 4 |"))
  }

  @Test func badFoldCountsAreRejected() throws {
    let (dataset, folder) = try Self.scenes(3, seed: 1)
    defer { try? FileManager.default.removeItem(at: folder) }
    let images = try ObjectnessStudy.prepare(
      dataset: dataset, generator: Self.generator, cueSettings: Self.settings)
    for folds in [1, 4] {
      #expect(throws: ObjectnessError.self) {
        try ObjectnessStudy().crossValidate(images, folds: folds, generator: ("g", ""))
      }
    }
  }

  @Test func stemsAreFileNameSafe() {
    #expect(ObjectnessStudyReport.stem("fold 1 of 5") == "fold_1_of_5")
    #expect(ObjectnessStudyReport.stem("coco-tiny → raccoon!") == "coco_tiny_raccoon")
  }
}
