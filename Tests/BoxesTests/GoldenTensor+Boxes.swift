import Boxes
import RegionKitTestSupport

extension GoldenTensor {
  /// An `[N, 4]` float32 record as boxes `(x1, y1, x2, y2)`.
  var boxes: [Box] {
    let values = floats
    return stride(from: 0, to: values.count, by: 4).map {
      Box(x1: values[$0], y1: values[$0 + 1], x2: values[$0 + 2], y2: values[$0 + 3])
    }
  }
}

extension Array where Element == Box {
  /// The corners of every box, flattened row-major like a golden `[N, 4]` record.
  var flattenedCorners: [Float] { flatMap(\.corners) }
}
