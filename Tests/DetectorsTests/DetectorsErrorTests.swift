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
  ])
  func descriptionsNameTheCulprit(error: DetectorsError, fragment: String) {
    #expect(error.description.contains(fragment))
    #expect(error.description.hasSuffix("."))
  }
}
