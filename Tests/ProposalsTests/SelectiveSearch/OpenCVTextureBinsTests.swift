import Testing

@testable import Proposals

@Suite struct OpenCVTextureBinsTests {
  @Test func rotatedBoundsAreOpenCVs() {
    // cv2.RotatedRect(centre, size, ±45).boundingRect() sizes, OpenCV 5.1.
    for (w, h, box, back) in [
      (130, 100, (165, 165), (235, 235)), (131, 100, (166, 165), (237, 237)),
      (48, 200, (177, 177), (253, 253)), (1, 1, (4, 4), (7, 7)),
    ] {
      let centre = (x: Float(w) / 2, y: Float(h) / 2)
      let got = OpenCVTextureBins.rotatedBounds(
        centre: centre, width: Float(w), height: Float(h), degrees: 45)
      #expect(got.width == box.0 && got.height == box.1, "\(w)x\(h)")
      let backCentre = (x: Float(got.width / 2), y: Float(got.height / 2))
      let gotBack = OpenCVTextureBins.rotatedBounds(
        centre: backCentre, width: Float(got.width), height: Float(got.height), degrees: -45)
      #expect(gotBack.width == back.0 && gotBack.height == back.1, "\(w)x\(h) back")
    }
  }

  @Test func scharrOfARampAndBinsOfAFlatImage() {
    // A horizontal ramp: Scharr x is (3 + 10 + 3) * 2 per unit step inside, 0 at the
    // reflect-101 borders; Scharr y is 0.
    let ramp = (0..<(6 * 4)).map { Float($0 % 6) }
    let dx = OpenCVTextureBins.scharr(ramp, width: 6, height: 4, dx: 1, dy: 0)
    let expected: [Float] = (0..<24).map { $0 % 6 == 0 || $0 % 6 == 5 ? 0 : 32 }
    #expect(dx == expected)
    #expect(
      OpenCVTextureBins.scharr(ramp, width: 6, height: 4, dx: 0, dy: 1).allSatisfy { $0 == 0 })
    // A flat image has constant unrotated maps, which stretch to zeros (bin 0 of each map);
    // the rotated ones see the zeros around the rotated plane, so their bins vary, but each
    // stays in its own map's ten.
    let flat = OpenCVTextureBins(
      bytes: [UInt8](repeating: 77, count: 5 * 7), width: 5, height: 7, channels: 1)
    #expect(flat.length == 80)
    for (index, position) in flat.positions.enumerated() {
      let map = index % 8
      if map < 4 {
        #expect(position == UInt16(map * 10))
      } else {
        #expect(Int(position) / 10 == map)
      }
    }
  }
}
