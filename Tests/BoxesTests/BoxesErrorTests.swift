import Boxes
import Testing

@Suite struct BoxesErrorTests {
  @Test func descriptionsNameTheFieldAndValue() {
    #expect(
      BoxesError.invalidSize(field: "featureHeight", value: -3).description
        == "AnchorGenerator.anchors: \"featureHeight\" must be positive, got -3")
    #expect(
      BoxesError.featureMapLargerThanImage(
        featureHeight: 50, featureWidth: 8, imageHeight: 32, imageWidth: 64
      ).description
        == "AnchorGenerator.anchors: the feature map (50 x 8) is larger than the image (32 x 64), "
        + "so its stride would be 0")
  }
}
