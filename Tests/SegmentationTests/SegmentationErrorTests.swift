import Testing

@testable import Segmentation

@Suite struct SegmentationErrorTests {
  @Test func descriptionsNameFieldAndValue() {
    #expect(
      SegmentationError.invalidParameter(
        algorithm: "SLIC", field: "segments", value: "0", expected: "a value >= 1"
      )
      .description == "SLIC: segments is 0; expected a value >= 1.")
    #expect(
      SegmentationError.unsupportedChannelCount(algorithm: "SLIC", channels: 2, expected: "1 or 3")
        .description == "SLIC: the image has 2 channels; expected 1 or 3.")
    #expect(
      SegmentationError.sizeMismatch(
        field: "labels", width: 3, height: 2, expectedWidth: 4, expectedHeight: 2
      )
      .description == "labels is 3x2 pixels; expected 4x2.")
  }
}
