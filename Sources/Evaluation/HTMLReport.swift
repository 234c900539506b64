import Foundation

/// One self-contained HTML page comparing proposal methods: the table, the plots as inline
/// SVG, and overlay pictures embedded as base64 PNG data URIs.
///
///     let page = HTMLReport(title: "coco-tiny", table: table, plots: plots, overlays: overlays)
///     try Data(page.html().utf8).write(to: folder.appendingPathComponent("index.html"))
public struct HTMLReport: Sendable {
  /// One overlay picture, or why there is none.
  public struct Overlay: Sendable, Hashable {
    /// The image's file name.
    public var fileName: String
    /// The method whose proposals are drawn.
    public var method: String
    /// The encoded picture (PNG or JPEG bytes), or `nil` when it could not be made.
    public var picture: Data?
    /// The picture's media type, `"image/png"` or `"image/jpeg"`.
    public var mediaType: String
    /// A short caption, e.g. the number of missed objects, or the reason for a missing picture.
    public var caption: String

    /// Creates an overlay entry.
    ///
    /// - Parameters:
    ///   - fileName: The image's file name.
    ///   - method: The method drawn.
    ///   - picture: Encoded picture bytes, or `nil`.
    ///   - mediaType: Their media type. Default: `"image/png"`.
    ///   - caption: The caption.
    public init(
      fileName: String, method: String, picture: Data?, mediaType: String = "image/png",
      caption: String
    ) {
      self.fileName = fileName
      self.method = method
      self.picture = picture
      self.mediaType = mediaType
      self.caption = caption
    }

    /// Creates an overlay entry with a PNG picture.
    ///
    /// - Parameters:
    ///   - fileName: The image's file name.
    ///   - method: The method drawn.
    ///   - png: PNG bytes, or `nil`.
    ///   - caption: The caption.
    public init(fileName: String, method: String, png: Data?, caption: String) {
      self.init(fileName: fileName, method: method, picture: png, caption: caption)
    }
  }

  /// The page title.
  public var title: String
  /// The comparison table.
  public var table: RecallTable
  /// The plots, in display order.
  public var plots: [LinePlot]
  /// Overlays, grouped on the page by file name in this order.
  public var overlays: [Overlay]
  /// Extra lines shown under the title (settings, missing images...).
  public var notes: [String]

  /// Creates a page.
  ///
  /// - Parameters:
  ///   - title: The page title.
  ///   - table: The comparison table.
  ///   - plots: The plots.
  ///   - overlays: Overlay pictures. Default: none.
  ///   - notes: Lines under the title. Default: none.
  public init(
    title: String, table: RecallTable, plots: [LinePlot], overlays: [Overlay] = [],
    notes: [String] = []
  ) {
    self.title = title
    self.table = table
    self.plots = plots
    self.overlays = overlays
    self.notes = notes
  }

  /// The page's content width, in CSS pixels: plots sit two per row inside it and overlays
  /// fill it. ``ReportWriter`` draws the page's overlays this wide.
  public static let contentWidth = 1280

  /// The page as HTML5 text with no external resources.
  ///
  /// The content is at most ``contentWidth`` pixels wide and centred. Plots sit two per row,
  /// each scaled to half the width (one per row on screens narrower than 900 pixels); overlay
  /// pictures are shown one per row at their own size, at most the full width.
  public func html() -> String {
    let e = LinePlot.escaped
    var out = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(e(title))</title>
      <style>
      body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; color: #222; margin: 0; }
      main { max-width: \(Self.contentWidth)px; margin: 0 auto; padding: 24px; }
      table { border-collapse: collapse; margin: 12px 0; }
      th, td { border: 1px solid #ccc; padding: 4px 8px; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      .plots { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
      .plots svg { display: block; width: 100%; height: auto; border: 1px solid #eee; }
      @media (max-width: 900px) { .plots { grid-template-columns: minmax(0, 1fr); } }
      figure { margin: 0 0 24px; }
      figure img { display: block; max-width: 100%; height: auto; }
      figcaption { font-size: 14px; color: #555; margin-top: 4px; }
      .legend span { display: inline-block; padding: 0 6px; margin-right: 8px; color: #fff; }
      </style></head><body><main>
      <h1>\(e(title))</h1>

      """
    for note in notes { out += "<p>\(e(note))</p>\n" }
    out += "<h2>Summary</h2>\n<table><tr>"
    out += RecallTable.headers.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
    for row in table.rows {
      out +=
        "<tr>"
        + row.enumerated().map { index, cell in
          index == 0 ? "<td>\(e(cell))</td>" : "<td class=\"n\">\(e(cell))</td>"
        }.joined() + "</tr>\n"
    }
    out += "</table>\n<h2>Plots</h2>\n<div class=\"plots\">\n"
    for plot in plots { out += plot.svg() }
    out += "</div>\n"
    if !overlays.isEmpty {
      out += """
        <h2>Sample images</h2>
        <p class="legend"><span style="background:#2ca02c">ground truth, found</span>\
        <span style="background:#1f77b4">best proposal</span>\
        <span style="background:#d62728">ground truth, missed</span> (each object's label: \
        the IoU of its best proposal)</p>

        """
      var order: [String] = []
      var byFile: [String: [Overlay]] = [:]
      for overlay in overlays {
        if byFile[overlay.fileName] == nil { order.append(overlay.fileName) }
        byFile[overlay.fileName, default: []].append(overlay)
      }
      for file in order {
        out += "<h3>\(e(file))</h3>\n"
        for overlay in byFile[file] ?? [] {
          out += "<figure>"
          if let picture = overlay.picture {
            let source = "data:\(e(overlay.mediaType));base64," + picture.base64EncodedString()
            out += "<img alt=\"\(e(overlay.method)) on \(e(file))\" src=\"\(source)\">"
          }
          out += "<figcaption>\(e(overlay.method)): \(e(overlay.caption))</figcaption></figure>\n"
        }
      }
    }
    out += "</main></body></html>\n"
    return out
  }
}
