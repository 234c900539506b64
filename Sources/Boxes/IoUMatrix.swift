/// Pairwise overlap of two box lists, stored row-major: one row per box of the first list.
///
/// Each entry is ``Box/iou(_:)`` or ``Box/generalizedIoU(_:)`` of one pair, computed with
/// the same operations as the pairwise functions, so `matrix[i, j] == rows[i].iou(columns[j])`
/// bit for bit.
///
///     let matrix = IoUMatrix(rows: detections, columns: groundTruth)
///     let overlap = matrix[2, 0]            // IoU of detections[2] and groundTruth[0]
///     let row = matrix.row(2)               // IoU of detections[2] with every ground truth box
///     let giou = IoUMatrix(rows: detections, columns: groundTruth, measure: .generalizedIoU)
///
/// Zero-area boxes follow torchvision: two of them give NaN (`0 / 0`), see
/// <doc:BoxConventions>.
///
/// Checked against `Fixtures/goldens/boxes.json` (torchvision `box_iou` and
/// `generalized_box_iou`, 20 x 30 boxes) within atol 1e-6 + rtol 1e-5.
public struct IoUMatrix: Hashable, Sendable {
  /// Which overlap measure a matrix holds.
  public enum Measure: String, Hashable, Sendable, CaseIterable {
    /// Intersection over union, in `[0, 1]` (torchvision `box_iou`).
    case iou
    /// Generalized IoU, in `[-1, 1]` (torchvision `generalized_box_iou`).
    case generalizedIoU
  }

  /// The number of rows: the count of the first box list.
  public let rowCount: Int
  /// The number of columns: the count of the second box list.
  public let columnCount: Int
  /// The measure the entries hold.
  public let measure: Measure
  /// All entries, row-major: entry `(i, j)` is at `i * columnCount + j`.
  public let values: [Float]

  /// Computes the overlap of every box in `rows` with every box in `columns`.
  ///
  /// - Parameters:
  ///   - rows: The first box list; row `i` belongs to `rows[i]`.
  ///   - columns: The second box list; column `j` belongs to `columns[j]`.
  ///   - measure: The overlap measure. Default: `.iou`.
  /// - Complexity: O(*n* · *m*) time and memory for *n* rows and *m* columns. The inner loop
  ///   runs over precomputed column areas stored as separate coordinate arrays.
  public init(rows: [Box], columns: [Box], measure: Measure = .iou) {
    self.rowCount = rows.count
    self.columnCount = columns.count
    self.measure = measure
    let m = columns.count
    let columnLayout = BoxColumns(columns)
    self.values = [Float](unsafeUninitializedCapacity: rows.count * m) { buffer, initialized in
      guard var output = buffer.baseAddress else {
        initialized = 0
        return
      }
      _ = columnLayout.withPointers { x1s, y1s, x2s, y2s, areas in
        for box in rows {
          switch measure {
          case .iou:
            Self.iouRow(box, x1s, y1s, x2s, y2s, areas, m, output)
          case .generalizedIoU:
            Self.generalizedIoURow(box, x1s, y1s, x2s, y2s, areas, m, output)
          }
          output += m
        }
      }
      initialized = rows.count * m
    }
  }

  /// The entry for `rows[row]` and `columns[column]`.
  ///
  /// - Parameters:
  ///   - row: An index into the first box list.
  ///   - column: An index into the second box list.
  public subscript(row: Int, column: Int) -> Float {
    precondition(
      row >= 0 && row < rowCount && column >= 0 && column < columnCount,
      "IoUMatrix index (\(row), \(column)) out of range \(rowCount) x \(columnCount)")
    return values[row * columnCount + column]
  }

  /// The entries of one row: the overlap of `rows[row]` with every column box.
  ///
  /// - Parameter row: An index into the first box list.
  public func row(_ row: Int) -> ArraySlice<Float> {
    precondition(row >= 0 && row < rowCount, "IoUMatrix row \(row) out of range 0..<\(rowCount)")
    return values[(row * columnCount)..<((row + 1) * columnCount)]
  }

  // The two row kernels repeat the pairwise formulas of `Box.iou` and `Box.generalizedIoU` on
  // structure-of-arrays input so the compiler can vectorise the inner loop. They use the plain
  // `Box.fastLarger`/`fastSmaller` (one `maxps`/`minps` each): with a NaN coordinate the area,
  // hence the union and the result, is NaN either way.

  @inline(__always)
  private static func iouRow(
    _ box: Box, _ x1s: UnsafePointer<Float>, _ y1s: UnsafePointer<Float>,
    _ x2s: UnsafePointer<Float>, _ y2s: UnsafePointer<Float>, _ areas: UnsafePointer<Float>,
    _ count: Int, _ output: UnsafeMutablePointer<Float>
  ) {
    let area = box.area
    for j in 0..<count {
      let width = Box.positivePart(Box.fastSmaller(box.x2, x2s[j]) - Box.fastLarger(box.x1, x1s[j]))
      let height = Box.positivePart(
        Box.fastSmaller(box.y2, y2s[j]) - Box.fastLarger(box.y1, y1s[j]))
      let inter = width * height
      output[j] = inter / (area + areas[j] - inter)
    }
  }

  @inline(__always)
  private static func generalizedIoURow(
    _ box: Box, _ x1s: UnsafePointer<Float>, _ y1s: UnsafePointer<Float>,
    _ x2s: UnsafePointer<Float>, _ y2s: UnsafePointer<Float>, _ areas: UnsafePointer<Float>,
    _ count: Int, _ output: UnsafeMutablePointer<Float>
  ) {
    let area = box.area
    for j in 0..<count {
      let width = Box.positivePart(Box.fastSmaller(box.x2, x2s[j]) - Box.fastLarger(box.x1, x1s[j]))
      let height = Box.positivePart(
        Box.fastSmaller(box.y2, y2s[j]) - Box.fastLarger(box.y1, y1s[j]))
      let inter = width * height
      let union = area + areas[j] - inter
      let enclosingWidth = Box.positivePart(
        Box.fastLarger(box.x2, x2s[j]) - Box.fastSmaller(box.x1, x1s[j]))
      let enclosingHeight = Box.positivePart(
        Box.fastLarger(box.y2, y2s[j]) - Box.fastSmaller(box.y1, y1s[j]))
      let enclosing = enclosingWidth * enclosingHeight
      output[j] = inter / union - (enclosing - union) / enclosing
    }
  }
}
