import Evaluation
import Imaging
import Testing

@Suite struct OverlaySheetTests {
  @Test func fullRowsSpanTheWidthAndKeepAspectRatios() {
    // The fixture photos: astronaut (1:1), chelsea, coffee, rocket (about 3:2).
    let ratios = [1.0, 451.0 / 300, 600.0 / 400, 640.0 / 427]
    let cells = OverlaySheet.layout(aspectRatios: ratios, width: 800, perRow: 2, spacing: 8)
    #expect(cells.count == 4)
    for row in [cells[0...1], cells[2...3]] {
      #expect(row.first!.x == 0 && row.last!.x + row.last!.width == 800)
      #expect(Set(row.map(\.height)).count == 1 && Set(row.map(\.y)).count == 1)
      #expect(row.last!.x == row.first!.width + 8)
    }
    #expect(cells[2].y == cells[0].height + 8)
    for (cell, ratio) in zip(cells, ratios) {
      #expect(abs(Double(cell.width) / Double(cell.height) - ratio) < 0.02, "\(cell)")
    }
  }

  @Test func aShortLastRowIsNotBlownUp() {
    let cells = OverlaySheet.layout(aspectRatios: [1.5, 1.5, 1.5], width: 800, perRow: 2)
    // The third picture alone gets the size it would have in a full row.
    #expect(cells[2].width == cells[0].width && cells[2].height == cells[0].height)
    #expect(cells[2].x == 0 && cells[2].y == cells[0].height + 8)
  }

  @Test func composePastesEachPictureIntoItsCell() {
    let cells = OverlaySheet.layout(aspectRatios: [1, 1], width: 42, perRow: 2, spacing: 2)
    let black = Image(width: 20, height: 20, channels: 3)
    let grey = Image(width: 10, height: 10, channels: 1, repeating: 0.5)  // resized to fit
    let sheet = OverlaySheet.compose([black, grey], in: cells)
    #expect(sheet.width == 42 && sheet.height == 20 && sheet.channels == 3)
    #expect(sheet[x: 5, y: 5, channel: 0] == 0)
    #expect(sheet[x: 20, y: 5, channel: 1] == 1)  // the white gap
    #expect(sheet[x: 30, y: 15, channel: 2] == 0.5)
  }
}
