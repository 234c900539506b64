/// A tensor flowing through an imported graph: Float32 values, or 64-bit integers for the
/// shapes, indices and axes that exporters compute inside graphs.
///
/// Float16, bfloat16 and float64 tensors become Float32 when loaded; every integer and
/// boolean type becomes `Int64`.
struct GraphValue: Sendable {
  /// The values, row-major.
  enum Storage: Sendable {
    case float([Float])
    case integer([Int64])
  }

  var shape: [Int]
  var storage: Storage

  init(shape: [Int], floats: [Float]) {
    self.shape = shape
    self.storage = .float(floats)
  }

  init(shape: [Int], integers: [Int64]) {
    self.shape = shape
    self.storage = .integer(integers)
  }

  /// The number of values.
  var count: Int { shape.reduce(1, *) }

  var isInteger: Bool {
    if case .integer = storage { return true }
    return false
  }

  /// The values as Float32 (integers converted).
  var floats: [Float] {
    switch storage {
    case .float(let values): values
    case .integer(let values): values.map { Float($0) }
    }
  }

  /// The values as integers (floats truncated toward zero, non-finite values as 0).
  var integers: [Int64] {
    switch storage {
    case .integer(let values): values
    case .float(let values):
      values.map { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) ?? 0 : 0 }
    }
  }

  /// The same values under another shape (same count).
  func reshaped(_ newShape: [Int]) -> GraphValue {
    var copy = self
    copy.shape = newShape
    return copy
  }

  /// Applies `transform` to the storage, keeping the kind of the values.
  func mapStorage(
    shape newShape: [Int], float: ([Float]) -> [Float], integer: ([Int64]) -> [Int64]
  ) -> GraphValue {
    switch storage {
    case .float(let values): GraphValue(shape: newShape, floats: float(values))
    case .integer(let values): GraphValue(shape: newShape, integers: integer(values))
    }
  }

  /// Gathers values by flat source index (the same kind of storage).
  func gathered(shape newShape: [Int], sourceIndices: [Int]) -> GraphValue {
    mapStorage(
      shape: newShape,
      float: { values in sourceIndices.map { values[$0] } },
      integer: { values in sourceIndices.map { values[$0] } })
  }
}
