import Foundation
import RegionKitTestSupport
import Testing

/// `regionkit train-objectness` on synthetic scenes, then `propose --objectness` with the model.
@Suite struct TrainObjectnessCommandTests {
  @Test func trainsAModelThatReRanksProposals() throws {
    let folder = try Fixtures.temporaryDirectory("train-objectness")
    defer { try? FileManager.default.removeItem(at: folder) }
    let scenes = folder.appendingPathComponent("scenes")
    let synth = try runRegionKit([
      "synth", "-o", scenes.path, "--images", "8", "--seed", "3", "--size", "64x64", "--objects",
      "3",
    ])
    #expect(synth.exitCode == 0, "\(synth.stderr)")
    let model = folder.appendingPathComponent("objectness.json")
    let train = try runRegionKit([
      "train-objectness", scenes.path, "-o", model.path, "--method", "selective-search",
      "--mode", "single", "--top", "300", "--positive-iou", "0.6", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stdout.contains("training accuracy"), "\(train.stdout)")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any]
    #expect((json?["weights"] as? [Double])?.count == (json?["feature_names"] as? [String])?.count)

    let proposals = folder.appendingPathComponent("proposals.jsonl")
    let propose = try runRegionKit([
      "propose", scenes.appendingPathComponent("images/000001.png").path, "--method",
      "selective-search", "--mode", "single", "--top", "300", "--objectness", model.path, "-o",
      proposals.path,
    ])
    #expect(propose.exitCode == 0, "\(propose.stderr)")
    let line = try String(contentsOf: proposals, encoding: .utf8).split(separator: "\n")[0]
    let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    let scores = record?["scores"] as? [Double] ?? []
    #expect(!scores.isEmpty && scores.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
  }

  @Test func aMalformedModelIsRejectedByName() throws {
    let folder = try Fixtures.temporaryDirectory("bad-objectness")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("broken.json")
    try Data("{\"weights\": [1]}".utf8).write(to: model)
    let result = try runRegionKit([
      "propose", Fixtures.url("dataset/images").path, "--method", "sliding-window",
      "--objectness", model.path, "-o", folder.appendingPathComponent("p.jsonl").path,
    ])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("broken.json"), "\(result.stderr)")
  }

  @Test(arguments: [["--per-image", "1"], ["--negative-iou", "0.9"], ["--images", "-1"]])
  func badOptionsAreRejected(options: [String]) throws {
    let result = try runRegionKit(
      ["train-objectness", Fixtures.url("dataset").path, "-o", "/tmp/never.json"] + options)
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains(options[0]), "\(result.stderr)")
  }
}
