import Boxes
import Foundation
import Testing

@testable import Proposals

/// A small valid model over two cues, trained on `generator`.
func smallObjectnessModel(
  generator: String = "fixed", settings: String = "", redundancyExponent: Float = 2
) throws -> ObjectnessModel {
  let rows: [[Float]] = (0..<20).map { i in [Float(i % 7), Float((3 * i) % 5)] }
  let fit = try ObjectnessModel.fit(
    features: rows, targets: (0..<20).map { $0 % 3 == 0 ? 1 : 0 },
    featureNames: ["edge_density", "log_rank"], l2: 0.1)
  return ObjectnessModel(
    featureNames: ["edge_density", "log_rank"], means: fit.means, stds: fit.stds,
    weights: fit.weights, bias: fit.bias, redundancyExponent: redundancyExponent,
    training: .init(generator: generator, generatorSettings: settings, notes: "test"))
}

@Suite struct ObjectnessModelTests {
  @Test func logisticRegressionRecoversSeparableRule() throws {
    var rng = SplitMix64(seed: 1)
    var rows = [[Float]](), targets = [Float]()
    for _ in 0..<400 {
      let row = (0..<4).map { _ in rng.nextUnitFloat() * 2 - 1 }
      rows.append(row)
      targets.append(row[0] - 0.5 * row[3] > 0.1 ? 1 : 0)
    }
    let names = ["edge_density", "edge_contrast", "color_contrast", "superpixel_straddling"]
    let fit = try ObjectnessModel.fit(
      features: rows, targets: targets, featureNames: names, l2: 1e-4)
    #expect(fit.weights[0] > 0 && fit.weights[3] < 0)
    #expect(abs(fit.weights[1]) < abs(fit.weights[0]) / 5)
    let again = try ObjectnessModel.fit(
      features: rows, targets: targets, featureNames: names, l2: 1e-4)
    #expect(again.weights == fit.weights && again.bias == fit.bias)
  }

  /// Soft targets that are exactly σ(2x − 1) are fitted back to that line.
  @Test func softTargetsAreFittedByTheirLogit() throws {
    let xs = (0..<200).map { Float($0) / 100 - 1 }
    let targets = xs.map { Float(1 / (1 + exp(-(2 * Double($0) - 1)))) }
    let fit = try ObjectnessModel.fit(
      features: xs.map { [$0] }, targets: targets, featureNames: ["log_rank"], l2: 0)
    // Standardised: w · (x − μ) / σ + b = 2x − 1.
    #expect(abs(fit.weights[0] / fit.stds[0] - 2) < 1e-3)
    #expect(abs(fit.bias - fit.weights[0] * fit.means[0] / fit.stds[0] + 1) < 1e-3)
  }

  /// A weight of 2 is the same as the row twice.
  @Test func exampleWeightsActLikeRepeatedRows() throws {
    let rows: [[Float]] = [[0], [1], [2], [3], [1.5]]
    let targets: [Float] = [0, 1, 0, 1, 1]  // not separable, so the unpenalised fit is finite
    let weighted = try ObjectnessModel.fit(
      features: rows, targets: targets, weights: [1, 1, 1, 1, 2], featureNames: ["log_rank"],
      l2: 0)
    let repeated = try ObjectnessModel.fit(
      features: rows + [[1.5]], targets: targets + [1], featureNames: ["log_rank"], l2: 0)
    // The standardisation differs (it is unweighted); compare the fitted functions.
    for x: Float in [0, 1, 2.5] {
      let a =
        weighted.bias + weighted.weights[0] * (Double(x) - weighted.means[0]) / weighted.stds[0]
      let b =
        repeated.bias + repeated.weights[0] * (Double(x) - repeated.means[0]) / repeated.stds[0]
      #expect(abs(a - b) < 1e-6)
    }
  }

  @Test func fitRejectsUnusableData() {
    let rows: [[Float]] = [[0], [1]]
    #expect(throws: ObjectnessError.self) {
      try ObjectnessModel.fit(features: rows, targets: [1, 1], featureNames: ["log_rank"])
    }
    #expect(throws: ObjectnessError.self) {
      try ObjectnessModel.fit(features: rows, targets: [0, 1.5], featureNames: ["log_rank"])
    }
    #expect(throws: ObjectnessError.self) {
      try ObjectnessModel.fit(features: rows, targets: [0, 1], featureNames: ["no_such_cue"])
    }
    #expect(throws: ObjectnessError.self) {
      try ObjectnessModel.fit(features: rows, targets: [0], featureNames: ["log_rank"])
    }
  }

  @Test func probabilityReadsItsColumnsFromTheFullCueRow() throws {
    let model = try smallObjectnessModel()
    var row = [Float](repeating: 0, count: ObjectnessFeatures.names.count)
    row[0] = 3
    row[8] = 2
    let z =
      model.bias + model.weights[0] * (3 - model.means[0]) / model.stds[0]
      + model.weights[1] * (2 - model.means[1]) / model.stds[1]
    #expect(abs(Double(model.probability(cues: row)) - 1 / (1 + exp(-z))) < 1e-6)
    #expect(model.columns == [0, 8])
  }

  @Test func jsonRoundTripAndMalformedErrors() throws {
    let model = try smallObjectnessModel()
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "objectness-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try model.save(to: url)
    #expect(try ObjectnessModel.load(from: url) == model)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    #expect(object["format_version"] as? Int == 2)
    #expect((object["training"] as? [String: Any])?["generator"] as? String == "fixed")

    func decode(_ change: (inout [String: Any]) -> Void) throws(ObjectnessError) {
      var copy = object
      change(&copy)
      let data = try! JSONSerialization.data(withJSONObject: copy)
      _ = try ObjectnessModel.decode(data, file: "m.json")
    }
    func expectError(_ expected: ObjectnessError, _ change: (inout [String: Any]) -> Void) {
      do throws(ObjectnessError) {
        try decode(change)
        Issue.record("expected \(expected)")
      } catch {
        #expect(error == expected)
      }
    }
    expectError(.malformed(file: "m.json", field: "weights", reason: "1 values, expected 2")) {
      $0["weights"] = [1.0]
    }
    expectError(.malformed(file: "m.json", field: "bias", reason: "missing key \"bias\"")) {
      $0.removeValue(forKey: "bias")
    }
    expectError(
      .malformed(
        file: "m.json", field: "feature_names[1]",
        reason: "\"shape\" is not one of \(ObjectnessFeatures.names)")
    ) { $0["feature_names"] = ["edge_density", "shape"] }
    expectError(.malformed(file: "m.json", field: "feature_names", reason: "names a cue twice")) {
      $0["feature_names"] = ["log_rank", "log_rank"]
    }
    expectError(.malformed(file: "m.json", field: "stds[0]", reason: "0.0 is not > 0")) {
      $0["stds"] = [0.0, 1.0]
    }
    expectError(
      .malformed(
        file: "m.json", field: "redundancy_exponent", reason: "-1.0 is not a finite value >= 0")
    ) { $0["redundancy_exponent"] = -1.0 }
    expectError(.unsupportedVersion(file: "m.json", version: 3)) { $0["format_version"] = 3 }
    // A file of the first format (no version key) is named as such.
    expectError(.unsupportedVersion(file: "m.json", version: 1)) {
      $0.removeValue(forKey: "format_version")
    }
    #expect(throws: ObjectnessError.self) { try ObjectnessModel.decode(Data("{".utf8), file: "x") }
    #expect(
      ObjectnessError.unsupportedVersion(file: "m.json", version: 1).description.contains(
        "train the model again"))
  }

  @Test func checkGeneratorRefusesAnotherGeneratorOrSettings() throws {
    let model = try smallObjectnessModel(generator: "selective-search", settings: "mode fast")
    try model.checkGenerator(name: "selective-search", settings: "mode fast")
    try model.checkGenerator(name: "selective-search")  // settings unknown: name only
    do throws(ObjectnessError) {
      try model.checkGenerator(name: "edge-boxes", settings: "alpha 0.65", file: "m.json")
      Issue.record("expected a mismatch")
    } catch {
      #expect(
        error
          == .generatorMismatch(
            file: "m.json", trainedFor: "selective-search (mode fast)",
            given: "edge-boxes (alpha 0.65)"))
      #expect(error.description.contains("m.json") && error.description.contains("edge-boxes"))
    }
    #expect(throws: ObjectnessError.self) {
      try model.checkGenerator(name: "selective-search", settings: "mode quality")
    }
  }

  @Test func rankReordersWithTheDiversityStep() throws {
    // Probability falls with the rank (log_rank weight < 0 after fitting rank 0 as object).
    let fit = try ObjectnessModel.fit(
      features: [[0], [1], [2], [3]], targets: [1, 0.6, 0.4, 0], featureNames: ["log_rank"])
    let base = ObjectnessModel(
      featureNames: ["log_rank"], means: fit.means, stds: fit.stds, weights: fit.weights,
      bias: fit.bias, redundancyExponent: 2, training: .init(generator: "fixed"))
    let boxes = [
      Box(x1: 0, y1: 0, x2: 100, y2: 100), Box(x1: 2, y1: 0, x2: 102, y2: 100),
      Box(x1: 300, y1: 300, x2: 360, y2: 360),
    ]
    let proposals = boxes.map { objectnessProposal($0) }
    let cues = (0..<3).map { rank -> [Float] in
      var row = [Float](repeating: 0, count: ObjectnessFeatures.names.count)
      row[8] = Float(rank)
      return row
    }
    #expect(base.rank(proposals, cues: cues).map(\.box) == [boxes[0], boxes[2], boxes[1]])
    var plain = base
    plain.redundancyExponent = 0
    #expect(plain.rank(proposals, cues: cues).map(\.box) == boxes)
  }
}
