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

@Suite struct IoUMatrixNaNTests {
  @Test(arguments: IoUMatrix.Measure.allCases)
  func nanCoordinatesGiveNaNLikeThePairwiseFunctions(measure: IoUMatrix.Measure) {
    let rows = [Box(x1: .nan, y1: 0, x2: 5, y2: 5), Box(x1: 0, y1: 0, x2: 5, y2: 5)]
    let columns = [Box(x1: 1, y1: 1, x2: 4, y2: .nan), Box(x1: 1, y1: 1, x2: 4, y2: 4)]
    let matrix = IoUMatrix(rows: rows, columns: columns, measure: measure)
    #expect(matrix.values.map(\.isNaN) == [true, true, true, false])
    #expect(rows[0].iou(columns[1]).isNaN && rows[1].generalizedIoU(columns[0]).isNaN)
  }
}
