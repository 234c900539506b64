import Boxes
import RegionKitTestSupport
import Testing

/// `Fixtures/goldens/anchors.json`: torchvision `AnchorGenerator(sizes=((32, 64, 128),),
/// aspect_ratios=((0.5, 1.0, 2.0),))` on a 96 x 128 image with a 6 x 8 feature map.
/// Tolerance: exact (cell anchors, unrounded cell anchors and all 432 anchors).
@Suite struct AnchorsGoldenTests {
  @Test func image96x128Feature6x8() throws {
    let golden = try GoldenFile("anchors.json").case("image_96x128_feature_6x8")
    let sizes = try #require(golden.value("inputs", "sizes") as? [Double]).map { Float($0) }
    let ratios = try #require(golden.value("inputs", "aspect_ratios") as? [Double]).map {
      Float($0)
    }
    let image = try #require(golden.value("inputs", "image_hw") as? [Int])
    let feature = try #require(golden.value("inputs", "feature_hw") as? [Int])
    let generator = try AnchorGenerator(sizes: sizes, aspectRatios: ratios)

    #expect(
      generator.cellAnchors.flattenedCorners
        == (try golden.tensor("expected", "cell_anchors").floats))
    #expect(
      generator.unroundedCellAnchors.flattenedCorners
        == (try golden.tensor("expected", "cell_anchors_unrounded").floats))
    let anchors = try generator.anchors(
      imageHeight: image[0], imageWidth: image[1], featureHeight: feature[0],
      featureWidth: feature[1])
    let expected = try golden.tensor("expected", "anchors")
    #expect(expected.shape == [432, 4])
    #expect(anchors.flattenedCorners == expected.floats)
  }
}
