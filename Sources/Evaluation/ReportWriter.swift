import Boxes
import Datasets
import Foundation
import Imaging

/// Writes a proposal-method comparison into a folder: `summary.json`, `table.md`, SVG and PNG
/// plots under `plots/`, a self-contained `index.html` with overlays of sample images, the
/// same overlays as PNG files, `overlays/<method>/<image name>.png`, and each method's
/// overlays on one sheet, `overlays/<method>.png` (two per row, ``Configuration/sheetWidth``
/// pixels wide, a 256-colour PNG: one picture of what the method finds, small enough for a
/// README).
///
/// The CLI's `regionkit evaluate` only parses options, evaluates each proposals file with
/// ``ProposalEvaluation`` and calls ``write(_:dataset:to:)``.
///
///     let reports = try files.map {
///       try ProposalEvaluation().evaluate(records: ProposalFile.read(contentsOf: $0),
///                                         dataset: dataset)
///     }
///     let output = try ReportWriter().write(reports, dataset: dataset, to: folder)
///     output.warnings.forEach { print($0) }
///
/// PNG plots are rendered from the SVG by libvips (`svgload`, through `Image(data:name:decoding:)` with SVG allowed);
/// when that fails the SVGs are kept and the failure is returned in ``Output/warnings``.
/// Each overlay is drawn at the size it is shown at, so boxes and labels stay sharp: the
/// files at the image's own size (at most ``Configuration/overlayMaxSide`` pixels on the
/// longer side), the page's pictures at the page's full width
/// (``Configuration/pageOverlayWidth``, embedded as JPEG at quality 90, which libvips writes
/// without chroma subsampling, so thin coloured lines stay crisp), the sheet's at their cell's
/// size. An image that cannot be loaded gets a caption instead of a picture.
public struct ReportWriter: Sendable {
  /// What to draw.
  public struct Configuration: Sendable, Hashable {
    /// Number of dataset images (with objects) shown as overlays. Default: `6`.
    public var sampleCount: Int
    /// Seed of the sample choice. Default: `1`.
    public var seed: UInt64
    /// The *N* shown in overlays; the largest evaluated count not above it is used (or the
    /// smallest evaluated count). Default: `1000`.
    public var overlayProposals: Int
    /// The IoU below which an object is drawn as missed. Default: `0.5`.
    public var overlayIoU: Double
    /// Longer side of the overlay files `overlays/<method>/<image>.png`, in pixels; smaller
    /// images keep their size. Default: `1024`.
    public var overlayMaxSide: Int
    /// Width of the overlays shown in `index.html`, in pixels: the page's full width. Images
    /// are enlarged or shrunk to it, and tall ones to three quarters of it in height.
    /// Default: ``HTMLReport/contentWidth`` (1280).
    public var pageOverlayWidth: Int
    /// Width of the sheet `overlays/<method>.png`, in pixels; `0` writes no sheet.
    /// Default: `800`.
    public var sheetWidth: Int
    /// Also write PNG versions of the plots. Default: `true`.
    public var writesPNG: Bool
    /// The page title. Default: `"Proposal recall"`.
    public var title: String

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - sampleCount: Overlay images, ≥ 0. Default: `6`.
    ///   - seed: Seed of the sample choice. Default: `1`.
    ///   - overlayProposals: *N* for overlays. Default: `1000`.
    ///   - overlayIoU: Found/missed threshold. Default: `0.5`.
    ///   - overlayMaxSide: Longer side of overlay files, in pixels. Default: `1024`.
    ///   - pageOverlayWidth: Width of the page's overlays, in pixels. Default: `1280`.
    ///   - sheetWidth: Width of the sheet of overlays, in pixels; `0` for none. Default: `800`.
    ///   - writesPNG: Write PNG plots. Default: `true`.
    ///   - title: The page title. Default: `"Proposal recall"`.
    public init(
      sampleCount: Int = 6, seed: UInt64 = 1, overlayProposals: Int = 1000,
      overlayIoU: Double = 0.5, overlayMaxSide: Int = 1024,
      pageOverlayWidth: Int = HTMLReport.contentWidth,
      sheetWidth: Int = 800, writesPNG: Bool = true, title: String = "Proposal recall"
    ) {
      precondition(
        overlayMaxSide >= 1 && pageOverlayWidth >= 1 && sheetWidth >= 0,
        "ReportWriter.Configuration: overlay sizes must be positive")
      self.sampleCount = sampleCount
      self.seed = seed
      self.overlayProposals = overlayProposals
      self.overlayIoU = overlayIoU
      self.overlayMaxSide = overlayMaxSide
      self.pageOverlayWidth = pageOverlayWidth
      self.sheetWidth = sheetWidth
      self.writesPNG = writesPNG
      self.title = title
    }
  }

  /// What was written.
  public struct Output: Sendable, Hashable {
    /// Every file written, in order.
    public var files: [URL]
    /// Problems that did not stop the report (PNG rendering, unreadable images).
    public var warnings: [String]
  }

  /// What to draw.
  public var configuration: Configuration

  /// Creates a writer.
  ///
  /// - Parameter configuration: What to draw. Default: `Configuration()`.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Writes the report.
  ///
  /// - Parameters:
  ///   - reports: One report per method, all of the same dataset.
  ///   - dataset: The dataset, to load overlay images; `nil` writes no overlays.
  ///   - folder: The output folder, created if needed; existing files are replaced.
  /// - Returns: The files written and the warnings.
  /// - Throws: ``EvaluationError/noMethods`` for an empty list,
  ///   ``EvaluationError/cannotWrite(file:reason:)`` when a file cannot be written.
  public func write(_ reports: [RecallReport], dataset: Dataset?, to folder: URL) throws -> Output {
    guard !reports.isEmpty else { throw EvaluationError.noMethods }
    var output = Output(files: [], warnings: [])
    let plotsFolder = folder.appendingPathComponent("plots")
    /// Writes `data` to `url`, creating its folder if needed.
    func save(_ data: Data, _ url: URL) throws {
      do {
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
      } catch {
        throw EvaluationError.cannotWrite(file: url.path, reason: error.localizedDescription)
      }
      output.files.append(url)
    }

    let summaries = reports.map(\.summary)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let summaryData: Data
    do {
      summaryData = try encoder.encode(["methods": summaries])
    } catch {
      throw EvaluationError.cannotWrite(file: "summary.json", reason: "\(error)")
    }
    try save(summaryData, folder.appendingPathComponent("summary.json"))
    let table = RecallTable(summaries: summaries)
    try save(Data(table.markdown().utf8), folder.appendingPathComponent("table.md"))

    let plots = RecallPlots.plots(for: summaries)
    var pngFailure: String?
    for (name, plot) in plots {
      let svg = Data(plot.svg().utf8)
      try save(svg, plotsFolder.appendingPathComponent(name + ".svg"))
      guard configuration.writesPNG, pngFailure == nil else { continue }
      do {
        let png = try Image(
          data: svg, name: name + ".svg", decoding: ImageDecoding(formats: [.svg])
        ).encoded(as: .png)
        try save(png, plotsFolder.appendingPathComponent(name + ".png"))
      } catch let error as ImagingError {
        pngFailure = "PNG plots skipped: libvips could not render \(name).svg: \(error)"
      }
    }
    if let pngFailure { output.warnings.append(pngFailure) }

    var overlays: [HTMLReport.Overlay] = []
    if let dataset {
      let drawn = makeOverlays(reports, dataset: dataset, warnings: &output.warnings)
      overlays = drawn.page
      for file in drawn.files {
        try save(
          file.png,
          folder.appendingPathComponent("overlays")
            .appendingPathComponent(Dataset.flatFileName(file.method))
            .appendingPathComponent(Dataset.pictureFileName(for: file.fileName)))
      }
      for sheet in drawn.sheets {
        try save(
          sheet.png,
          folder.appendingPathComponent("overlays")
            .appendingPathComponent(Dataset.flatFileName(sheet.method) + ".png"))
      }
    }
    var notes = [
      "\(summaries[0].imageCount) images, \(summaries[0].objectCount) objects evaluated "
        + "(crowd and difficult objects excluded unless configured)."
    ]
    for summary in summaries where !summary.missingImages.isEmpty || !summary.failedImages.isEmpty {
      notes.append(
        "\(summary.method): \(summary.missingImages.count) images without proposals, "
          + "\(summary.failedImages.count) failed.")
    }
    let page = HTMLReport(
      title: configuration.title, table: table, plots: plots.map(\.plot), overlays: overlays,
      notes: notes)
    try save(Data(page.html().utf8), folder.appendingPathComponent("index.html"))
    return output
  }

  /// The sample's image indices: a seeded choice among images with objects, in dataset order.
  func sampleIndices(_ report: RecallReport) -> [Int] {
    var candidates = report.images.indices.filter { !report.images[$0].objects.isEmpty }
    var generator = SplitMix64(seed: configuration.seed)
    let count = min(max(configuration.sampleCount, 0), candidates.count)
    for i in 0..<count {
      let j = i + Int(generator.next() % UInt64(candidates.count - i))
      candidates.swapAt(i, j)
    }
    return candidates.prefix(count).sorted()
  }

  /// The evaluated count shown in overlays.
  func overlayCountIndex(_ counts: [Int]) -> Int {
    counts.lastIndex { $0 <= configuration.overlayProposals } ?? 0
  }

  /// The overlays of the sample images: PNG files at the image's size, JPEG pictures at the
  /// page's width, and one PNG sheet per method.
  private func makeOverlays(
    _ reports: [RecallReport], dataset: Dataset, warnings: inout [String]
  ) -> (
    page: [HTMLReport.Overlay], files: [(method: String, fileName: String, png: Data)],
    sheets: [(method: String, png: Data)]
  ) {
    var page: [HTMLReport.Overlay] = []
    var files: [(method: String, fileName: String, png: Data)] = []
    let byName = Dictionary(
      dataset.images.map { ($0.fileName, $0) }, uniquingKeysWith: { first, _ in first })
    let samples = sampleIndices(reports[0]).compactMap { index -> DatasetImage? in
      byName[reports[0].images[index].fileName]
    }
    /// Draws the overlay of `report` for `image` on `picture`, a copy of it at any scale;
    /// `nil` when the report has no result for the image.
    func draw(_ report: RecallReport, _ image: DatasetImage, on picture: Image) throws -> Image? {
      guard let result = report.images.first(where: { $0.fileName == image.fileName }) else {
        return nil
      }
      let k = overlayCountIndex(report.summary.proposalCounts)
      // Lines and labels grow with the picture (the width of the 4:3 frame it fills), so
      // they read the same at any size and on tall and wide pictures alike.
      let side = max(picture.width, picture.height * 4 / 3)
      return try RecallOverlay.draw(
        result, on: picture, countIndex: k, iou: configuration.overlayIoU,
        lineWidth: max(2, side / 400), fontSize: max(11, side / 64))
    }

    var loaded: [String: Image] = [:]
    for image in samples {
      let fileName = image.fileName
      let picture: Image
      do {
        picture = try Image(
          contentsOf: dataset.url(of: image), maxSide: configuration.overlayMaxSide)
      } catch {
        warnings.append("overlay of \(fileName) skipped: \(error)")
        for report in reports {
          page.append(
            .init(
              fileName: fileName, method: report.summary.method, png: nil,
              caption: "image not readable"))
        }
        continue
      }
      loaded[fileName] = picture
      let pageSize = Self.fitted(
        width: picture.width, height: picture.height, into: configuration.pageOverlayWidth,
        configuration.pageOverlayWidth * 3 / 4)
      // Loaded again at the page's size, so large photos keep their detail.
      let pagePicture =
        ((try? Image(
          contentsOf: dataset.url(of: image), maxSide: max(pageSize.width, pageSize.height)))
        ?? picture).resized(width: pageSize.width, height: pageSize.height)
      for report in reports {
        guard let result = report.images.first(where: { $0.fileName == fileName }) else { continue }
        let k = overlayCountIndex(report.summary.proposalCounts)
        let count = report.summary.proposalCounts[k]
        let missed = result.objects.filter { $0.bestIoU[k] < configuration.overlayIoU }.count
        let caption =
          "N = \(count), \(result.objects.count - missed) of \(result.objects.count) "
          + "objects found at IoU \(configuration.overlayIoU)"
        let method = report.summary.method
        do {
          if let drawn = try draw(report, image, on: picture) {
            files.append((method, fileName, try drawn.encoded(as: .png)))
          }
          let shown = try draw(report, image, on: pagePicture)
          page.append(
            .init(
              fileName: fileName, method: method, picture: try shown?.encoded(as: .jpeg),
              mediaType: "image/jpeg", caption: caption))
        } catch {
          warnings.append("overlay of \(fileName) for \(method) skipped: \(error)")
          page.append(.init(fileName: fileName, method: method, png: nil, caption: caption))
        }
      }
    }

    var sheets: [(method: String, png: Data)] = []
    let shown = samples.filter { loaded[$0.fileName] != nil }
    if configuration.sheetWidth > 0, !shown.isEmpty {
      let cells = OverlaySheet.layout(
        aspectRatios: shown.map {
          Double(loaded[$0.fileName]!.width) / Double(loaded[$0.fileName]!.height)
        },
        width: configuration.sheetWidth)
      // Loaded again at the cell's size, so libvips shrinks the photo with anti-aliasing.
      let cellPictures = zip(shown, cells).map { image, cell in
        ((try? Image(contentsOf: dataset.url(of: image), maxSide: max(cell.width, cell.height)))
          ?? loaded[image.fileName]!).resized(width: cell.width, height: cell.height)
      }
      for report in reports {
        do {
          let pictures = try zip(shown, cellPictures).map { image, picture in
            try draw(report, image, on: picture) ?? picture
          }
          sheets.append(
            (
              report.summary.method,
              try OverlaySheet.compose(pictures, in: cells).encoded(as: .palettePNG)
            ))
        } catch {
          warnings.append("overlay sheet of \(report.summary.method) skipped: \(error)")
        }
      }
    }
    return (page, files, sheets)
  }

  /// The size of a `width` x `height` picture scaled to fit `maxWidth` x `maxHeight`
  /// (enlarged or shrunk, aspect ratio kept, at least 1 x 1).
  static func fitted(width: Int, height: Int, into maxWidth: Int, _ maxHeight: Int) -> (
    width: Int, height: Int
  ) {
    let scale = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
    return (
      max(1, Int((Double(width) * scale).rounded())),
      max(1, Int((Double(height) * scale).rounded()))
    )
  }
}
