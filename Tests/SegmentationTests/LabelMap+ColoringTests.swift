import Imaging
import Testing

@testable import Segmentation

@Suite struct LabelMapColoringTests {
  let map = LabelMap(width: 4, height: 2, labels: [0, 0, 1, 1, 0, 0, 1, 1], count: 2)

  @Test func segmentsGetOneColourEachDeterministically() {
    let picture = map.coloredImage(seed: 4)
    #expect(picture.channels == 3 && picture.width == 4 && picture.height == 2)
    for c in 0..<3 {
      #expect(picture[x: 0, y: 0, channel: c] == picture[x: 1, y: 1, channel: c])
      #expect(picture[x: 2, y: 0, channel: c] == picture[x: 3, y: 1, channel: c])
    }
    #expect(
      (0..<3).contains { picture[x: 0, y: 0, channel: $0] != picture[x: 2, y: 0, channel: $0] })
    #expect(picture == map.coloredImage(seed: 4))
    #expect(picture != map.coloredImage(seed: 5))
    #expect(picture.pixels.allSatisfy { $0 >= 0 && $0 < 1 })
  }

  @Test func boundaryIsTheColumnLeftOfTheChange() {
    #expect(map.boundaryMask() == [false, true, false, false, false, true, false, false])
    let horizontal = LabelMap(width: 2, height: 3, labels: [0, 0, 1, 1, 1, 1], count: 2)
    #expect(horizontal.boundaryMask() == [true, true, false, false, false, false])
  }

  @Test func overlayPaintsOnlyBoundaries() throws {
    let image = Image(width: 4, height: 2, channels: 3, repeating: 0.5)
    let overlay = try image.overlayingBoundaries(of: map, color: [0, 1, 0])
    #expect(overlay[x: 1, y: 0, channel: 1] == 1 && overlay[x: 1, y: 0, channel: 0] == 0)
    #expect(overlay[x: 0, y: 0, channel: 1] == 0.5 && overlay[x: 3, y: 1, channel: 0] == 0.5)
  }

  @Test func overlayRejectsMismatches() {
    #expect(throws: SegmentationError.self) {
      try Image(width: 3, height: 2, channels: 3).overlayingBoundaries(of: map)
    }
    #expect(throws: SegmentationError.self) {
      try Image(width: 4, height: 2, channels: 1).overlayingBoundaries(of: map, color: [1, 0, 0])
    }
  }
}
