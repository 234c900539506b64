import Datasets
import Evaluation
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

/// Headless Chromium, when one is installed (Debian: `apt-get install -y chromium`).
enum Chromium {
  static let executable: URL? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for folder in path.split(separator: ":") {
        let url = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
      }
    }
    return nil
  }()

  /// Runs headless Chromium on `page` in a window `width` x `height` pixels with `arguments`
  /// (e.g. `--dump-dom`) and returns its standard output.
  static func run(_ arguments: [String], page: URL, width: Int = 1400, height: Int = 2000) throws
    -> String
  {
    let process = Process()
    process.executableURL = executable
    // --no-sandbox: Chromium refuses to start as root without it (CI containers).
    process.arguments =
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--window-size=\(width),\(height)", "--virtual-time-budget=10000",
      ] + arguments + [page.absoluteString]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

/// The report as a real browser lays it out: `index.html` of a fixture report, with a script
/// added to a copy that measures the page once it has loaded.
@Suite(
  .enabled(
    if: Chromium.executable != nil,
    "headless Chromium is not installed (apt-get install -y chromium); the report's layout is not checked in a browser"
  ))
struct HTMLReportBrowserTests {
  struct Rect: Decodable {
    var x: Double
    var y: Double
    var w: Double
    var h: Double
    var natural: Double?
  }

  struct Layout: Decodable {
    var viewport: Double
    var scrollWidth: Double
    var plots: [Rect]
    var images: [Rect]
  }

  static let measure = """
    <script>
    window.addEventListener('load', () => {
      const r = (e) => { const b = e.getBoundingClientRect();
        return { x: b.left, y: b.top, w: b.width, h: b.height, natural: e.naturalWidth }; };
      const layout = {
        viewport: document.documentElement.clientWidth,
        scrollWidth: document.documentElement.scrollWidth,
        plots: [...document.querySelectorAll('.plots svg')].map(r),
        images: [...document.querySelectorAll('figure img')].map(r),
      };
      const pre = document.createElement('pre');
      pre.id = 'layout';
      pre.textContent = JSON.stringify(layout);
      document.body.appendChild(pre);
    });
    </script>
    """

  @Test func plotsSitTwoPerRowAndOverlaysFillTheWidth() throws {
    let dataset = try Dataset.load(from: Fixtures.url("dataset"))
    let report = try ProposalEvaluation().evaluate(
      records: ReportWriterTests.records(dataset, good: true), dataset: dataset)
    let folder = try Fixtures.temporaryDirectory("evaluation-report-browser")
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try ReportWriter(configuration: .init(sampleCount: 4, sheetWidth: 0))
      .write([report], dataset: dataset, to: folder)
    let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    let measured = folder.appendingPathComponent("measured.html")
    try Data(html.replacingOccurrences(of: "</body>", with: Self.measure + "</body>").utf8)
      .write(to: measured)

    let dom = try Chromium.run(["--dump-dom"], page: measured)
    let json = try #require(
      dom.components(separatedBy: "<pre id=\"layout\">").dropFirst().first?
        .components(separatedBy: "</pre>").first, "no layout in Chromium's DOM: \(dom.prefix(300))")
    let layout = try JSONDecoder().decode(Layout.self, from: Data(json.utf8))

    // Nothing sticks out sideways.
    #expect(layout.scrollWidth <= layout.viewport)
    // Six plots, two per row, each at a readable size (about its 640 px drawing size).
    #expect(layout.plots.count == 6)
    for row in stride(from: 0, to: layout.plots.count, by: 2) {
      let (left, right) = (layout.plots[row], layout.plots[row + 1])
      #expect(left.y == right.y && right.x >= left.x + left.w, "row \(row / 2)")
      #expect(left.w >= 600 && right.w >= 600 && left.w <= 700, "plot width \(left.w)")
    }
    #expect(layout.plots[2].y >= layout.plots[0].y + layout.plots[0].h)
    // Overlays at the page's full width (the square astronaut at three quarters of it).
    let content = Double(HTMLReport.contentWidth)
    #expect(layout.images.count == 4)
    for image in layout.images {
      #expect(image.natural == image.w, "shown at its drawn size: \(image)")
      #expect(image.w == content || image.w == content * 3 / 4, "overlay width \(image.w)")
    }

    // The screenshot a person would look at, to be sure Chromium renders the page at all.
    let screenshot = folder.appendingPathComponent("screenshot.png")
    _ = try Chromium.run(["--screenshot=\(screenshot.path)"], page: measured)
    let picture = try Image(contentsOf: screenshot)
    #expect(picture.width == 1400 && picture.height == 2000)
  }
}
