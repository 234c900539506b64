import Boxes
import Testing

@Suite struct IoUMatrixTests {
  @Test(arguments: IoUMatrix.Measure.allCases)
  func entriesEqualPairwiseFunctionsBitForBit(measure: IoUMatrix.Measure) {
    let rows = RandomBoxes(count: 37, seed: 7).boxes + [Box(x1: 3, y1: 3, x2: 3, y2: 8)]
    let columns = RandomBoxes(count: 23, seed: 8).boxes
    let matrix = IoUMatrix(rows: rows, columns: columns, measure: measure)
    #expect(matrix.rowCount == rows.count && matrix.columnCount == columns.count)
    #expect(matrix.values.count == rows.count * columns.count)
    for i in rows.indices {
      for j in columns.indices {
        let expected =
          measure == .iou ? rows[i].iou(columns[j]) : rows[i].generalizedIoU(columns[j])
        #expect(matrix[i, j].bitPattern == expected.bitPattern, "(\(i), \(j))")
      }
    }
    #expect(Array(matrix.row(2)) == Array(matrix.values[(2 * columns.count)..<(3 * columns.count)]))
  }

  @Test func emptyInputsGiveEmptyMatrices() {
    let boxes = [Box(x1: 0, y1: 0, x2: 1, y2: 1)]
    #expect(IoUMatrix(rows: [], columns: boxes).values.isEmpty)
    let noColumns = IoUMatrix(rows: boxes, columns: [])
    #expect(noColumns.values.isEmpty && noColumns.rowCount == 1 && noColumns.columnCount == 0)
    #expect(noColumns.row(0).isEmpty)
  }
}
