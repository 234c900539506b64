import Detectors
import Testing

@Suite struct DetectorsErrorTests {
  @Test(arguments: [
    (DetectorsError.missingModelFile(folder: "m", file: "config.json"), "config.json"),
    (.malformedConfiguration(file: "m/config.json", reason: "bad"), "m/config.json"),
    (.unsupportedArchitecture(file: "c.json", value: "yolo"), "yolo"),
    (.unwritableFile(file: "x", reason: "disk full"), "disk full"),
    (.malformedCheckpoint(file: "t.json", reason: "no epoch"), "t.json"),
    (.noTrainingImages(dataset: "d"), "d"),
    (.classMismatch(file: "c.json", expected: ["a"], found: ["b"]), "[\"b\"]"),
    (
      .invalidValue(file: "m/config.json", key: "maxSide", value: "0", allowed: "32 to 4096"),
      "\"maxSide\" is 0"
    ),
    (
      .outdatedModelFormat(file: "m/config.json", found: nil, architecture: "rcnn"),
      "regionkit train rcnn"
    ),
    (.existingModel(folder: "out/model"), "out/model"),
    (.nonFiniteWeights(file: "m/model.safetensors", tensor: "head.weight"), "head.weight"),
    (.missingProposals(file: "p.jsonl", image: "000001.jpg"), "000001.jpg"),
    (.unsupportedInput(detector: "faster-rcnn", reason: "give no proposals"), "faster-rcnn"),
    (.invalidLabels(file: "m/labels.txt", reason: "class \"cat\" has no label"), "m/labels.txt"),
    (.invalidBackbone(file: "net.onnx", reason: "no tensor named \"x\""), "net.onnx"),
    (
      .untrainableBackbone(file: "net.onnx", node: "\"n0\"", op: "HardSwish", reason: "none"),
      "--freeze-backbone"
    ),
  ])
  func descriptionsNameTheCulprit(error: DetectorsError, fragment: String) {
    #expect(error.description.contains(fragment))
    #expect(error.description.hasSuffix("."))
  }
}
