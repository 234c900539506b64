import Boxes

extension Box {
  /// COCO's `[x, y, w, h]` read as `Double`s, converted so that a box written as `x1` and
  /// `Double(x2) - Double(x1)` (what ``COCOResults`` writes) comes back bit for bit:
  /// `x1 = Float(x)`, `x2 = Float(Double(x1) + w)`. Otherwise the same as
  /// `Box(x:y:width:height:)`, with one rounding instead of two.
  init(cocoXYWH xywh: [Double]) {
    let x1 = Float(xywh[0])
    let y1 = Float(xywh[1])
    self.init(x1: x1, y1: y1, x2: Float(Double(x1) + xywh[2]), y2: Float(Double(y1) + xywh[3]))
  }
}
