import Boxes
import Testing

@Suite struct AnchorGeneratorTests {
  @Test func cellAnchorsKeepTheAreaAndUseHeightOverWidth() throws {
    let generator = try AnchorGenerator(sizes: [64], aspectRatios: [0.25, 1, 4])
    let unrounded = generator.unroundedCellAnchors
    #expect(unrounded[0] == Box(x1: -64, y1: -16, x2: 64, y2: 16))  // ratio 0.25: wide
    #expect(unrounded[1] == Box(x1: -32, y1: -32, x2: 32, y2: 32))
    #expect(unrounded[2] == Box(x1: -16, y1: -64, x2: 16, y2: 64))  // ratio 4: tall
    #expect(generator.cellAnchors == unrounded)
  }

  @Test func roundingIsHalfToEven() throws {
    // size 5, ratio 1: corners ±2.5 round to ±2 (half to even), not ±3.
    let generator = try AnchorGenerator(sizes: [5, 7], aspectRatios: [1])
    #expect(
      generator.cellAnchors == [
        Box(x1: -2, y1: -2, x2: 2, y2: 2), Box(x1: -4, y1: -4, x2: 4, y2: 4),
      ])
  }

  @Test func defaultsAreTorchvisions() throws {
    let generator = try AnchorGenerator()
    #expect(generator.sizes == [128, 256, 512] && generator.aspectRatios == [0.5, 1, 2])
    #expect(generator.cellAnchors.count == 9)
  }

  @Test func imageAnchorsShiftCellAnchorsByTheStride() throws {
    let generator = try AnchorGenerator(sizes: [8], aspectRatios: [1, 2])
    let anchors = try generator.anchors(
      imageHeight: 20, imageWidth: 30, featureHeight: 2, featureWidth: 3)
    #expect(anchors.count == 2 * 3 * 2)
    // Row 1, column 2, cell anchor 1: stride (10, 10), shift (20, 10).
    let cell = generator.cellAnchors[1]
    #expect(
      anchors[(1 * 3 + 2) * 2 + 1]
        == Box(x1: cell.x1 + 20, y1: cell.y1 + 10, x2: cell.x2 + 20, y2: cell.y2 + 10))
  }

  @Test func strideIsTheIntegerQuotient() throws {
    let anchors = try AnchorGenerator(sizes: [2], aspectRatios: [1])
      .anchors(imageHeight: 10, imageWidth: 11, featureHeight: 3, featureWidth: 2)
    #expect(anchors.map(\.x1) == [-1, 4, -1, 4, -1, 4])  // stride x = 11 / 2 = 5
    #expect(anchors.map(\.y1) == [-1, -1, 2, 2, 5, 5])  // stride y = 10 / 3 = 3
  }

  @Test func invalidSizesThrow() throws {
    let generator = try AnchorGenerator()
    #expect(throws: BoxesError.invalidSize(field: "featureWidth", value: 0)) {
      try generator.anchors(imageHeight: 10, imageWidth: 10, featureHeight: 1, featureWidth: 0)
    }
    #expect(throws: BoxesError.invalidSize(field: "imageHeight", value: -4)) {
      try generator.anchors(imageHeight: -4, imageWidth: 10, featureHeight: 1, featureWidth: 1)
    }
    let tooLarge = BoxesError.featureMapLargerThanImage(
      featureHeight: 20, featureWidth: 2, imageHeight: 10, imageWidth: 10)
    #expect(throws: tooLarge) {
      try generator.anchors(imageHeight: 10, imageWidth: 10, featureHeight: 20, featureWidth: 2)
    }
    #expect(tooLarge.description.contains("20 x 2") && tooLarge.description.contains("10 x 10"))
    #expect(
      BoxesError.invalidSize(field: "imageWidth", value: 0).description.contains("\"imageWidth\""))
  }

  @Test func invalidParametersThrowNamingTheFieldAndValue() throws {
    let negative = BoxesError.invalidParameter(
      type: "AnchorGenerator", field: "sizes", value: "[32.0, -8.0]",
      expected: "a non-empty list of finite, positive numbers")
    #expect(throws: negative) { try AnchorGenerator(sizes: [32, -8]) }
    #expect(negative.description.contains("sizes") && negative.description.contains("-8.0"))
    #expect(throws: BoxesError.self) { try AnchorGenerator(aspectRatios: []) }
    #expect(throws: BoxesError.self) { try AnchorGenerator(aspectRatios: [1, .nan]) }
  }
}
