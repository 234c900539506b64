import Evaluation
import Foundation
import Proposals

/// The results of an ``ObjectnessStudy`` with what was studied, as JSON, Markdown tables and
/// plots of AR versus the number of proposals.
///
///     let report = ObjectnessStudyReport(
///       generator: "edge-boxes", generatorSettings: "", dataset: "coco-tiny",
///       trainer: ObjectnessTrainer(), evaluations: folds)
///     try report.write(to: URL(fileURLWithPath: "report"))
///
/// `write(to:)` writes `summary.json` (every number), `table.md` (``markdown()``) and one SVG
/// per evaluation, `ar_vs_proposals_<name>.svg` (own ranking, model alone, re-ranked).
public struct ObjectnessStudyReport: Sendable, Hashable, Codable {
  /// The generator's name.
  public var generator: String
  /// The generator's output-changing settings.
  public var generatorSettings: String
  /// The dataset trained on (its name).
  public var dataset: String
  /// The labelling, cues, fit and diversity settings.
  public var target: String
  /// The weighting.
  public var balance: String
  /// The cues fitted.
  public var cues: [String]
  /// Labelled proposals per image, `0` for all.
  public var perImage: Int
  /// The diversity step's γ (`0`: off).
  public var redundancyExponent: Float
  /// The evaluations, in order.
  public var evaluations: [ObjectnessStudy.Evaluation]

  /// Creates a report.
  ///
  /// - Parameters:
  ///   - generator: The generator's name.
  ///   - generatorSettings: Its output-changing settings.
  ///   - dataset: The training dataset's name.
  ///   - trainer: The trainer whose settings are recorded.
  ///   - evaluations: The evaluations.
  public init(
    generator: String, generatorSettings: String, dataset: String, trainer: ObjectnessTrainer,
    evaluations: [ObjectnessStudy.Evaluation]
  ) {
    self.generator = generator
    self.generatorSettings = generatorSettings
    self.dataset = dataset
    self.target =
      trainer.target == .threshold
      ? "threshold (IoU >= \(trainer.positiveIoU) object, < \(trainer.negativeIoU) background)"
      : trainer.target.rawValue
    self.balance = trainer.balance.rawValue
    self.cues = trainer.cueNames
    self.perImage = trainer.perImage
    self.redundancyExponent = trainer.redundancyExponent
    self.evaluations = evaluations
  }

  private static func f(_ value: Double, _ digits: Int = 3) -> String {
    String(format: "%.\(digits)f", value)
  }

  /// The tables: AR at N = 100, 300 and 1000 (own ranking → re-ranked, with bootstrap
  /// standard errors, and their ratio), the diagnosis (model alone, without the diversity
  /// step; mean IoU between the first 100 proposals) and the cost per image.
  public func markdown() -> String {
    let name = generatorSettings.isEmpty ? generator : "\(generator) (\(generatorSettings))"
    var lines = [
      "Generator: \(name). Trained on \(dataset); target \(target), balance \(balance), "
        + "cues \(cues.joined(separator: ", ")), "
        + (perImage > 0 ? "\(perImage) proposals per image, " : "all proposals, ")
        + "diversity γ = \(redundancyExponent).",
      "",
      "| held out | trained on | images | objects | AR@100 own → re-ranked (ratio) "
        + "| AR@300 own → re-ranked (ratio) | AR@1000 own → re-ranked (ratio) |",
      "| --- | --- | ---: | ---: | --- | --- | --- |",
    ]
    for e in evaluations {
      var row = "| \(e.name) | \(e.trainedOn) | \(e.testImages) | \(e.objects) |"
      for count in [100, 300, 1000] {
        guard let k = e.proposalCounts.firstIndex(of: count) else {
          row += " — |"
          continue
        }
        row +=
          " \(Self.f(e.base.averageRecall[k])) ± \(Self.f(e.base.standardError[k])) → "
          + "**\(Self.f(e.reranked.averageRecall[k]))** ± \(Self.f(e.reranked.standardError[k])) "
          + "(\(Self.f(e.ratio[k], 2))x ± \(Self.f(e.ratioStandardError[k], 2))) |"
      }
      lines.append(row)
    }
    lines += [
      "",
      "| held out | AR@100 own | model alone | re-ranked | mean IoU of the top 100: own "
        + "| model alone | re-ranked |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for e in evaluations {
      guard let k = e.proposalCounts.firstIndex(of: 100) else { continue }
      lines.append(
        "| \(e.name) | \(Self.f(e.base.averageRecall[k])) | "
          + "\(Self.f(e.withoutDiversity.averageRecall[k])) | \(Self.f(e.reranked.averageRecall[k])) | "
          + "\(Self.f(e.meanTopIoU["base"] ?? 0)) | \(Self.f(e.meanTopIoU["without_diversity"] ?? 0)) | "
          + "\(Self.f(e.meanTopIoU["reranked"] ?? 0)) |")
    }
    lines += [
      "",
      "| held out | generator s/image | cues s/image | ordering s/image | re-ranking / generator |",
      "| --- | ---: | ---: | ---: | ---: |",
    ]
    for e in evaluations {
      let generatorSeconds = e.secondsPerImage["generator"] ?? 0
      let extra = (e.secondsPerImage["cues"] ?? 0) + (e.secondsPerImage["ordering"] ?? 0)
      lines.append(
        "| \(e.name) | \(Self.f(generatorSeconds, 4)) | \(Self.f(e.secondsPerImage["cues"] ?? 0, 4)) | "
          + "\(Self.f(e.secondsPerImage["ordering"] ?? 0, 4)) | "
          + "\(generatorSeconds > 0 ? "\(Self.f(100 * extra / generatorSeconds, 0)) %" : "—") |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A file-name stem from an evaluation name: lowercase letters and digits, `_` between.
  public static func stem(_ name: String) -> String {
    var result = ""
    for character in name.lowercased() {
      if character.isASCII && (character.isLetter || character.isNumber) {
        result.append(character)
      } else if !result.hasSuffix("_") {
        result.append("_")
      }
    }
    while result.hasSuffix("_") { result.removeLast() }
    return result
  }

  /// One plot per evaluation: AR versus N for the own ranking, the model alone and the
  /// re-ranked proposals.
  public func plots() -> [(name: String, plot: LinePlot)] {
    evaluations.map { e in
      var plot = LinePlot(
        title: "\(generator): \(e.name) (trained on \(e.trainedOn))",
        xLabel: "number of proposals N", yLabel: "average recall", isLogX: true)
      let x = e.proposalCounts.map(Double.init)
      plot.series = [
        .init(name: "own ranking", x: x, y: e.base.averageRecall),
        .init(name: "model, no diversity", x: x, y: e.withoutDiversity.averageRecall),
        .init(name: "re-ranked", x: x, y: e.reranked.averageRecall),
      ]
      let top =
        e.proposalCounts.indices.map {
          max(
            e.base.averageRecall[$0], e.reranked.averageRecall[$0],
            e.withoutDiversity.averageRecall[$0])
        }.max() ?? 1
      plot.yRange = 0...min(1, max(0.1, (top * 12).rounded(.up) / 10))
      let name = "ar_vs_proposals_\(Self.stem(e.name))"
      plot.identifier = name
      return (name, plot)
    }
  }

  /// Writes `summary.json`, `table.md` and the SVG plots into `folder` (created if needed).
  ///
  /// - Throws: ``/Evaluation/EvaluationError/cannotWrite(file:reason:)``.
  public func write(to folder: URL) throws {
    func write(_ data: Data, _ name: String) throws {
      let url = folder.appendingPathComponent(name)
      do { try data.write(to: url, options: .atomic) } catch {
        throw EvaluationError.cannotWrite(file: url.path, reason: error.localizedDescription)
      }
    }
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw EvaluationError.cannotWrite(file: folder.path, reason: error.localizedDescription)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try write(try encoder.encode(self), "summary.json")
    try write(Data(markdown().utf8), "table.md")
    for (name, plot) in plots() { try write(Data(plot.svg().utf8), name + ".svg") }
  }
}
