import Foundation
import RegionKitTestSupport
import Testing

/// `regionkit train objectness` on synthetic scenes (with cross-validation and a test set),
/// then `propose --objectness` with the model.
@Suite(.tags(.slow)) struct TrainObjectnessCommandTests {
  @Test func trainsMeasuresAndReRanks() throws {
    let folder = try Fixtures.temporaryDirectory("train-objectness")
    defer { try? FileManager.default.removeItem(at: folder) }
    let scenes = folder.appendingPathComponent("scenes")
    let others = folder.appendingPathComponent("others")
    for (path, seed) in [(scenes, "3"), (others, "4")] {
      let synth = try runRegionKit([
        "synth", "-o", path.path, "--images", "6", "--seed", seed, "--size", "64x64", "--objects",
        "3",
      ])
      #expect(synth.exitCode == 0, "\(synth.stderr)")
    }
    let model = folder.appendingPathComponent("objectness.json")
    let report = folder.appendingPathComponent("report")
    let train = try runRegionKit([
      "train", "objectness", scenes.path, "-o", model.path, "--method", "selective-search",
      "--mode", "single", "--top", "300", "--folds", "2", "--test", others.path, "--report",
      report.path, "--bootstrap", "20", "--cue-side", "48", "--superpixels", "25", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("training log-loss"), "\(train.stdout)")
    #expect(
      train.stdout.contains("| fold 1 of 2 |") && train.stdout.contains("| others | scenes |"))
    for name in ["summary.json", "table.md", "ar_vs_proposals_all_folds.svg"] {
      #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(name).path))
    }
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any]
    let training = json?["training"] as? [String: Any]
    #expect(training?["generator"] as? String == "selective-search")
    #expect(training?["generator_settings"] as? String == "mode single")
    #expect(training?["dataset"] as? String == "scenes" && training?["images"] as? Int == 6)

    let proposals = folder.appendingPathComponent("proposals.jsonl")
    func propose(_ extra: [String], jobs: String = "1") throws -> CommandResult {
      try runRegionKit(
        [
          "propose", scenes.path, "--top", "300", "--objectness", model.path, "-o", proposals.path,
          "--jobs", jobs,
        ]
          + extra)
    }
    let single = try propose(["--method", "selective-search", "--mode", "single"])
    #expect(single.exitCode == 0, "\(single.stderr)")
    let first = try String(contentsOf: proposals, encoding: .utf8)
    let line = first.split(separator: "\n")[0]
    let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    let scores = record?["scores"] as? [Double] ?? []
    #expect(!scores.isEmpty && scores.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
    // Same output with two jobs, apart from the timings.
    #expect(
      try propose(["--method", "selective-search", "--mode", "single"], jobs: "2").exitCode == 0)
    func untimed(_ text: String) -> String {
      text.replacingOccurrences(of: #""seconds":[0-9.e-]+"#, with: "", options: .regularExpression)
    }
    #expect(untimed(try String(contentsOf: proposals, encoding: .utf8)) == untimed(first))

    // Another method or mode is refused by name, unless forced.
    for method in [
      ["--method", "edge-boxes"], ["--method", "selective-search", "--mode", "fast"],
    ] {
      let refused = try propose(method)
      #expect(refused.exitCode != 0)
      #expect(
        refused.stderr.contains("objectness.json") && refused.stderr.contains("--force"),
        "\(refused.stderr)")
    }
    #expect(try propose(["--method", "edge-boxes", "--force"]).exitCode == 0)
  }

  @Test func malformedAndOldModelsAreRejectedByName() throws {
    let folder = try Fixtures.temporaryDirectory("bad-objectness")
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, text, expected) in [
      ("broken.json", "{\"bias\": 1", "broken.json"),
      ("old.json", "{\"weights\": [1], \"bias\": 0}", "format 1"),
    ] {
      let model = folder.appendingPathComponent(name)
      try Data(text.utf8).write(to: model)
      let result = try runRegionKit([
        "propose", Fixtures.url("dataset/images").path, "--method", "sliding-window",
        "--objectness", model.path, "-o", folder.appendingPathComponent("p.jsonl").path,
      ])
      #expect(result.exitCode != 0)
      #expect(result.stderr.contains(expected), "\(result.stderr)")
    }
  }

  @Test(arguments: [
    ["--per-image", "1"], ["--negative-iou", "0.9"], ["--limit", "-1"], ["--folds", "1"],
    ["--cue-side", "4"], ["--redundancy-exponent", "-1"], ["--cues", "shape"],
  ])
  func badOptionsAreRejected(options: [String]) throws {
    let result = try runRegionKit(
      ["train", "objectness", Fixtures.url("dataset").path, "-o", "/tmp/never.json"] + options)
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains(options[0]), "\(result.stderr)")
  }
}
