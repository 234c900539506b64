import Boxes
import RegionKitTestSupport
import Testing

/// `Fixtures/goldens/box_coder.json`: torchvision `BoxCoder` encode/decode, weights
/// (10, 10, 5, 5) and (1, 1, 1, 1), clip log(1000/16).
/// Tolerances (golden README): encode atol 5e-5 + rtol 1e-5; decode and decode(encode)
/// atol 1e-4 + rtol 1e-5.
@Suite struct BoxCoderGoldenTests {
  @Test(arguments: ["w10_10_5_5", "w1_1_1_1"])
  func encodeAndDecode(caseName: String) throws {
    let golden = try GoldenFile("box_coder.json").case(caseName)
    let w = try #require(golden.value("weights") as? [Double]).map { Float($0) }
    let clip = try #require(golden.value("bbox_xform_clip") as? Double)
    let coder = try BoxCoder(
      weights: .init(x: w[0], y: w[1], width: w[2], height: w[3]), sizeDeltaClip: Float(clip))
    #expect(coder.sizeDeltaClip == BoxCoder.defaultSizeDeltaClip)

    let references = try golden.tensor("inputs", "reference_boxes").boxes
    let proposals = try golden.tensor("inputs", "proposals").boxes
    let codes = try golden.tensor("inputs", "rel_codes").floats
    let deltas = stride(from: 0, to: codes.count, by: 4).map {
      BoxDelta(dx: codes[$0], dy: codes[$0 + 1], dw: codes[$0 + 2], dh: codes[$0 + 3])
    }
    #expect(references.count == 50 && proposals.count == 50 && deltas.count == 50)

    let encoded = coder.encode(references, relativeTo: proposals)
    let flatEncoded = encoded.flatMap { [$0.dx, $0.dy, $0.dw, $0.dh] }
    #expect(
      closeMismatch(
        flatEncoded, try golden.tensor("expected", "encode").floats, atol: 5e-5, rtol: 1e-5)
        == nil)

    let decoded = coder.decode(deltas, relativeTo: proposals)
    #expect(
      closeMismatch(
        decoded.flattenedCorners, try golden.tensor("expected", "decode").floats, atol: 1e-4,
        rtol: 1e-5)
        == nil)

    let roundTrip = coder.decode(encoded, relativeTo: proposals)
    #expect(
      closeMismatch(
        roundTrip.flattenedCorners, try golden.tensor("expected", "decode_of_encode").floats,
        atol: 1e-4, rtol: 1e-5) == nil)
  }
}
