import Imaging

/// Several pictures on one sheet, a fixed number per row, each row scaled to the sheet's
/// width (a justified layout: pictures of one row share a height, their widths follow their
/// aspect ratios). ``ReportWriter`` uses it for `overlays/<method>.png`, one picture of every
/// sample image's coverage, which `make demo` copies to the README.
///
///     let cells = OverlaySheet.layout(aspectRatios: [1, 1.5, 1.5, 1.5], width: 800)
///     let sizes = cells.map { ($0.width, $0.height) }   // draw each picture at its cell's size
///     let sheet = OverlaySheet.compose(pictures, in: cells)
public enum OverlaySheet {
  /// One picture's place on the sheet, in pixels.
  public struct Cell: Sendable, Hashable {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Width, at least 1.
    public var width: Int
    /// Height, at least 1.
    public var height: Int
  }

  /// The cells of pictures with the given aspect ratios (width / height), in reading order.
  ///
  /// Each row holds `perRow` pictures (the last row fewer) separated by `spacing` pixels, and
  /// rows are `spacing` pixels apart. A full row spans exactly `width` pixels; a shorter last
  /// row gets the height a full row of pictures of its mean aspect ratio would have, so it
  /// is not blown up.
  ///
  /// - Parameters:
  ///   - aspectRatios: Width / height of each picture, positive.
  ///   - width: The sheet's width, in pixels. Default: `800`.
  ///   - perRow: Pictures per row, at least 1. Default: `2`.
  ///   - spacing: Gap between pictures, in pixels. Default: `8`.
  /// - Returns: One cell per picture.
  public static func layout(
    aspectRatios: [Double], width: Int = 800, perRow: Int = 2, spacing: Int = 8
  ) -> [Cell] {
    precondition(perRow >= 1, "OverlaySheet.layout: perRow must be >= 1, got \(perRow)")
    var cells: [Cell] = []
    var top = 0
    for start in stride(from: 0, to: aspectRatios.count, by: perRow) {
      let row = aspectRatios[start..<min(start + perRow, aspectRatios.count)].map {
        $0.isFinite && $0 > 0 ? $0 : 1
      }
      let filled = Double(width - spacing * (perRow - 1))
      let sum =
        row.count == perRow
        ? row.reduce(0, +) : row.reduce(0, +) / Double(row.count) * Double(perRow)
      let height = max(1, Int((filled / sum).rounded()))
      var left = 0
      for (index, aspect) in row.enumerated() {
        var cellWidth = max(1, Int((Double(height) * aspect).rounded()))
        // The last picture of a full row absorbs the rounding, so the row ends at `width`.
        if row.count == perRow && index == row.count - 1 { cellWidth = max(1, width - left) }
        cells.append(Cell(x: left, y: top, width: cellWidth, height: height))
        left += cellWidth + spacing
      }
      top += height + spacing
    }
    return cells
  }

  /// Pastes pictures into their cells on a white sheet just large enough for the cells.
  ///
  /// - Parameters:
  ///   - pictures: One 3-channel picture per cell; one of another size is resized to fit.
  ///   - cells: Their places, from ``layout(aspectRatios:width:perRow:spacing:)``.
  /// - Returns: The sheet, 3 channels, white between the pictures.
  public static func compose(_ pictures: [Image], in cells: [Cell]) -> Image {
    precondition(
      pictures.count == cells.count,
      "OverlaySheet.compose: \(pictures.count) pictures for \(cells.count) cells")
    let width = max(1, cells.map { $0.x + $0.width }.max() ?? 1)
    let height = max(1, cells.map { $0.y + $0.height }.max() ?? 1)
    var sheet = Image(width: width, height: height, channels: 3, repeating: 1)
    for (picture, cell) in zip(pictures, cells) {
      let fitted = picture.resized(width: cell.width, height: cell.height)
      for y in 0..<cell.height {
        for x in 0..<cell.width {
          for channel in 0..<3 {
            sheet[x: cell.x + x, y: cell.y + y, channel: channel] =
              fitted[x: x, y: y, channel: fitted.channels == 3 ? channel : 0]
          }
        }
      }
    }
    return sheet
  }
}
