/// Overflow-checked arithmetic on tensor sizes for the planner: shapes and parameters come
/// from the file (declared dims, constant shape vectors, pads, group counts), so a product or
/// a sum of sizes must become a ``PlanningError`` (which names the node) instead of a trap.
enum CheckedShapeArithmetic {
  /// `a * b`, or a planning error naming `what` when it overflows `Int`.
  static func multiply(_ a: Int, _ b: Int, _ what: @autoclosure () -> String)
    throws(PlanningError) -> Int
  {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw PlanningError("\(what()) overflows (\(a) x \(b))") }
    return product
  }

  /// `a + b`, or a planning error naming `what` when it overflows `Int`.
  static func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(PlanningError)
    -> Int
  {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw PlanningError("\(what()) overflows (\(a) + \(b))") }
    return sum
  }

  /// The product of `sizes`, or a planning error naming `what` when it overflows `Int`.
  static func product<Sizes: Sequence<Int>>(_ sizes: Sizes, _ what: @autoclosure () -> String)
    throws(PlanningError) -> Int
  {
    var result = 1
    for size in sizes { result = try multiply(result, size, what()) }
    return result
  }

  /// Checks that a tensor of `shape` can exist: no negative size, and the product of its
  /// non-zero sizes fits in `Int` (so every partial product the kernels take fits too).
  ///
  /// - Returns: The element count.
  static func elementCount(_ shape: [Int], _ what: @autoclosure () -> String)
    throws(PlanningError) -> Int
  {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw PlanningError("\(what()) \(shape) has a negative size")
    }
    guard shape.checkedElementCount != nil else {
      throw PlanningError("\(what()) \(shape) has more elements than an Int holds")
    }
    return shape.reduce(1, *)
  }
}
