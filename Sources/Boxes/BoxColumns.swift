/// Boxes stored as separate coordinate arrays plus their areas (structure of arrays), the
/// layout the IoU and NMS inner loops read sequentially.
struct BoxColumns {
  var x1: [Float]
  var y1: [Float]
  var x2: [Float]
  var y2: [Float]
  var area: [Float]

  /// The columns of `boxes`, in order.
  init(_ boxes: [Box]) {
    x1 = boxes.map(\.x1)
    y1 = boxes.map(\.y1)
    x2 = boxes.map(\.x2)
    y2 = boxes.map(\.y2)
    area = boxes.map(\.area)
  }

  /// Calls `body` with base pointers of the five arrays (valid only inside `body`), or
  /// returns `nil` without calling it when there are no boxes.
  func withPointers<Result>(
    _ body: (
      UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
      UnsafePointer<Float>
    ) -> Result
  ) -> Result? {
    x1.withUnsafeBufferPointer { x1 in
      y1.withUnsafeBufferPointer { y1 in
        x2.withUnsafeBufferPointer { x2 in
          y2.withUnsafeBufferPointer { y2 in
            area.withUnsafeBufferPointer { area in
              guard let x1 = x1.baseAddress, let y1 = y1.baseAddress, let x2 = x2.baseAddress,
                let y2 = y2.baseAddress, let area = area.baseAddress
              else { return nil }
              return body(x1, y1, x2, y2, area)
            }
          }
        }
      }
    }
  }
}
