import Boxes
import Testing

@Suite struct BoxCoderTests {
  let anchor = Box(x1: 10, y1: 20, x2: 50, y2: 100)  // 40 x 80, centre (30, 60)

  @Test func identicalBoxEncodesToZero() {
    #expect(BoxCoder().encode(anchor, relativeTo: anchor) == BoxDelta(dx: 0, dy: 0, dw: 0, dh: 0))
  }

  @Test func encodeFollowsTheWeightedFormula() {
    let box = Box(x1: 14, y1: 20, x2: 94, y2: 100)  // 80 x 80, centre (54, 60)
    let delta = BoxCoder().encode(box, relativeTo: anchor)
    #expect(delta.dx == 10 * (54 - 30) / 40)
    #expect(delta.dy == 0)
    #expect(abs(delta.dw - 5 * Float(2).seriesLogarithm) < 1e-6)
    #expect(delta.dh == 0)
    let unit = BoxCoder(weights: .unit).encode(box, relativeTo: anchor)
    #expect(unit.dx == 24 / Float(40))
  }

  @Test(arguments: [BoxCoder.Weights.fasterRCNN, .unit])
  func decodeInvertsEncode(weights: BoxCoder.Weights) {
    let coder = BoxCoder(weights: weights)
    let boxes = RandomBoxes(count: 50, seed: 3).boxes
    let anchors = RandomBoxes(count: 50, seed: 4).boxes
    let decoded = coder.decode(coder.encode(boxes, relativeTo: anchors), relativeTo: anchors)
    for (got, want) in zip(decoded, boxes) {
      #expect(
        zip(got.corners, want.corners).allSatisfy { abs($0 - $1) <= 1e-3 }, "\(got) vs \(want)")
    }
  }

  @Test func sizeDeltasAreClippedOnlyFromAbove() {
    let coder = BoxCoder(weights: .unit)
    let huge = coder.decode(BoxDelta(dx: 0, dy: 0, dw: 100, dh: 100), relativeTo: anchor)
    // exp(log(1000 / 16)) = 62.5 times the anchor's size.
    #expect(abs(huge.width - 62.5 * 40) < 1e-2 && abs(huge.height - 62.5 * 80) < 1e-2)
    let tiny = coder.decode(BoxDelta(dx: 0, dy: 0, dw: -100, dh: -100), relativeTo: anchor)
    #expect(tiny.width >= 0 && tiny.width < 1e-30)
    #expect(BoxCoder.defaultSizeDeltaClip == Float(4.135166556742356))
  }

  @Test func zeroWidthAnchorGivesNonFiniteDeltasAsTorchvision() {
    let flat = Box(x1: 5, y1: 5, x2: 5, y2: 10)
    let delta = BoxCoder().encode(Box(x1: 0, y1: 0, x2: 10, y2: 10), relativeTo: flat)
    #expect(!delta.dx.isFinite && !delta.dw.isFinite)
  }

  @Test func emptyArrays() {
    #expect(BoxCoder().encode([], relativeTo: []).isEmpty)
    #expect(BoxCoder().decode([], relativeTo: []).isEmpty)
  }
}

extension Float {
  /// `log(self)` from the standard library only: `2 * atanh((x - 1) / (x + 1))` as a series,
  /// good to ~1e-7 near 2 (keeps this test independent of the coder's libm call).
  fileprivate var seriesLogarithm: Float {
    let y = Double((self - 1) / (self + 1))
    var term = y
    var sum = 0.0
    for k in stride(from: 1, through: 41, by: 2) {
      sum += term / Double(k)
      term *= y * y
    }
    return Float(2 * sum)
  }

  @Test func invalidWeightsAndClipThrowNamingTheFieldAndValue() {
    let error = BoxesError.invalidParameter(
      type: "BoxCoder.Weights", field: "width", value: "0.0",
      expected: "a finite, positive number")
    #expect(throws: error) { try BoxCoder.Weights(x: 1, y: 1, width: 0, height: 1) }
    #expect(error.description.contains("width") && error.description.contains("0.0"))
    #expect(throws: BoxesError.self) {
      try BoxCoder.Weights(x: 1, y: .infinity, width: 1, height: 1)
    }
    #expect(
      throws: BoxesError.invalidParameter(
        type: "BoxCoder", field: "sizeDeltaClip", value: "nan", expected: "a number, not NaN")
    ) { try BoxCoder(sizeDeltaClip: .nan) }
    #expect(BoxCoder(weights: .unit).sizeDeltaClip == BoxCoder.defaultSizeDeltaClip)
  }
}
