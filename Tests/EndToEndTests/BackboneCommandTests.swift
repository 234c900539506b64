import Foundation
import RegionKitTestSupport
import Testing

/// `train fast-rcnn|faster-rcnn --backbone MODEL.onnx[:TENSOR]`, frozen or fine-tuned, then
/// `detect` and `model info` on the model folder; the refusals of the options.
@Suite(.tags(.slow)) struct BackboneCommandTests {
  let network = Fixtures.url("onnx/dynamo_fcn.onnx").path

  @Test func aFrozenONNXBackboneTrainsAndDetects() throws {
    let scenes = try TrainedModels.scenes.get()
    let folder = try Fixtures.temporaryDirectory("backbone-frozen")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("model")
    let train = try runRegionKit([
      "train", "fast-rcnn", scenes.path, "-o", model.path, "--backbone",
      "\(network):max_pool2d", "--freeze-backbone", "--max-side", "64", "--proposals",
      "sliding-window", "--max-proposals", "50", "--epochs", "1", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(
      train.stderr.contains(
        "backbone: onnx dynamo_fcn.onnx cut at \"max_pool2d\" (stride 2, 8 channels, frozen)"),
      "\(train.stderr)")
    #expect(
      FileManager.default.fileExists(atPath: model.appendingPathComponent("backbone.onnx").path))
    let config = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any])
    #expect(config["format"] as? Int == 2)
    let backbone = try #require(config["backbone"] as? [String: Any])
    #expect(backbone["kind"] as? String == "onnx" && backbone["tensor"] as? String == "max_pool2d")
    #expect(backbone["stride"] as? Int == 2 && backbone["channels"] as? Int == 8)
    #expect(backbone["frozen"] as? Bool == true)
    let normalization = try #require(config["normalization"] as? [String: Any])
    #expect(normalization["mean"] as? [Double] == [0.485, 0.456, 0.406])

    let results = folder.appendingPathComponent("detections.json")
    let detect = try runRegionKit([
      "detect", model.path, scenes.path, "-o", results.path, "--evaluate", "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
    #expect(detect.stdout.contains("on 12 images") && detect.stdout.contains("COCO AP50"))

    let info = try runRegionKit(["model", "info", model.path])
    #expect(info.exitCode == 0, "\(info.stderr)")
    #expect(info.stdout.contains("architecture: fast-rcnn"))
    #expect(
      info.stdout.contains(
        "backbone: onnx dynamo_fcn.onnx cut at \"max_pool2d\" (stride 2, 8 channels, frozen)"))
    #expect(info.stdout.contains("backbone file: backbone.onnx"))
    #expect(
      info.stdout.contains("normalization: rgb, pixel range 1, mean 0.485,0.456,0.406"),
      "\(info.stdout)")
  }

  @Test func aFineTunedBackboneTrainsFasterRCNNWithItsOwnNormalisation() throws {
    let scenes = try TrainedModels.scenes.get()
    let folder = try Fixtures.temporaryDirectory("backbone-fine-tuned")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("model")
    let train = try runRegionKit([
      "train", "faster-rcnn", scenes.path, "-o", model.path, "--backbone",
      "\(network):max_pool2d", "--mean", "128,128,128", "--std", "64,64,64", "--pixel-range",
      "255", "--channel-order", "bgr", "--max-side", "48", "--anchor-sizes", "16,32",
      "--epochs", "1", "--no-progress",
    ])
    #expect(train.exitCode == 0, "\(train.stderr)")
    #expect(train.stderr.contains("(stride 2, 8 channels, trained with the heads)"))
    let info = try runRegionKit(["model", "info", model.path, "--json"])
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
    let normalization = try #require(object["normalization"] as? [String: Any])
    #expect(normalization["channel_order"] as? String == "bgr")
    #expect(normalization["pixel_range"] as? Double == 255)
    #expect((object["backbone"] as? [String: Any])?["frozen"] as? Bool == false)
    let detect = try runRegionKit([
      "detect", model.path, scenes.path, "-o", folder.appendingPathComponent("d.json").path,
      "--no-progress",
    ])
    #expect(detect.exitCode == 0, "\(detect.stderr)")
  }

  @Test func optionsThatDoNotFitAreRefused() throws {
    let scenes = try TrainedModels.scenes.get()
    let folder = try Fixtures.temporaryDirectory("backbone-refused")
    defer { try? FileManager.default.removeItem(at: folder) }
    let base = ["train", "fast-rcnn", scenes.path, "-o", folder.appendingPathComponent("m").path]
    let cases: [([String], String)] = [
      (["--freeze-backbone"], "--freeze-backbone needs --backbone"),
      (["--backbone", "\(network):add"], "node \"n0\" (HardSwish) has no backward pass"),
      (["--backbone", "\(network):nothing"], "has no tensor named \"nothing\""),
      (
        ["--backbone", Fixtures.url("onnx/residual_cnn.onnx").path, "--max-side", "64"],
        "whose input is fixed at 24x32: give --max-side 32"
      ),
      (["--backbone", network, "--pixel-range", "3"], "--pixel-range is 3.0; allowed: 1 or 255"),
      (["--mean", "1,2"], "--mean must be three numbers"),
    ]
    for (options, message) in cases {
      let result = try runRegionKit(base + options + ["--no-progress"])
      #expect(result.exitCode != 0, "\(options)")
      #expect(result.stderr.contains(message), "\(options): \(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("m").path))
  }
}
