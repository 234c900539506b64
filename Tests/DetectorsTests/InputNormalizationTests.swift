import NeuralNet
import Testing

@testable import Detectors

@Suite struct InputNormalizationTests {
  @Test func rgbInUnitRange() {
    let batch = Tensor(shape: [1, 3, 1, 2], data: [0, 1, 0.5, 0.5, 1, 0])
    let normalized = InputNormalization.imageNet.apply(to: batch)
    let expected: [Float] = [
      (0 - 0.485) / 0.229, (1 - 0.485) / 0.229, (0.5 - 0.456) / 0.224, (0.5 - 0.456) / 0.224,
      (1 - 0.406) / 0.225, (0 - 0.406) / 0.225,
    ]
    for (value, reference) in zip(normalized.data, expected) {
      #expect(abs(value - reference) < 1e-5)
    }
  }

  @Test func bgrInByteRange() {
    let caffe = InputNormalization(
      mean: [100, 110, 120], std: [1, 2, 4], channelOrder: .bgr, pixelRange: 255)
    // Two images, one pixel each: planes R, G, B.
    let batch = Tensor(shape: [2, 3, 1, 1], data: [1, 0.5, 0, 0, 0, 1])
    let normalized = caffe.apply(to: batch)
    let expected: [Float] = [-100, 8.75, 33.75, 155, -55, -30]
    #expect(normalized.data == expected)
  }

  @Test func validationNamesTheKey() {
    let check = ConfigurationCheck(file: "config.json")
    var bad = InputNormalization.imageNet
    bad.std = [0.2, 0, 0.2]
    #expect(throws: DetectorsError.self) { try bad.validate(check, key: "normalization") }
    bad = .imageNet
    bad.pixelRange = 100
    do {
      try bad.validate(check, key: "normalization")
      Issue.record("pixel range 100 accepted")
    } catch {
      #expect("\(error)".contains("normalization.pixelRange"))
    }
    bad = .imageNet
    bad.mean = [0.5, 0.5]
    #expect(throws: DetectorsError.self) { try bad.validate(check, key: "normalization") }
    #expect(throws: Never.self) { try InputNormalization.regionKit.validate(check, key: "n") }
  }
}
