import Boxes
import Datasets
import Foundation
import Imaging

/// Writes a proposal-method comparison into a folder: `summary.json`, `table.md`, SVG and PNG
/// plots under `plots/`, a self-contained `index.html` with overlays of sample images, and
/// the same overlays as PNG files, `overlays/<method>/<image name>.png`.
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
/// PNG plots are rendered from the SVG by libvips (`svgload`, through `Image(data:name:)`);
/// when that fails the SVGs are kept and the failure is returned in ``Output/warnings``.
/// Overlays are drawn on images loaded at most ``Configuration/overlayMaxSide`` pixels on
/// their longer side; an image that cannot be loaded gets a caption instead of a picture.
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
    /// Longer side of overlay pictures, in pixels (PNG photos are large: 384 px keeps a
    /// picture near 200 kB of base64). Default: `384`.
    public var overlayMaxSide: Int
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
    ///   - overlayMaxSide: Overlay size, in pixels. Default: `384`.
    ///   - writesPNG: Write PNG plots. Default: `true`.
    ///   - title: The page title. Default: `"Proposal recall"`.
    public init(
      sampleCount: Int = 6, seed: UInt64 = 1, overlayProposals: Int = 1000,
      overlayIoU: Double = 0.5, overlayMaxSide: Int = 384, writesPNG: Bool = true,
      title: String = "Proposal recall"
    ) {
      self.sampleCount = sampleCount
      self.seed = seed
      self.overlayProposals = overlayProposals
      self.overlayIoU = overlayIoU
      self.overlayMaxSide = overlayMaxSide
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
        let png = try Image(data: svg, name: name + ".svg").encoded(as: .png)
        try save(png, plotsFolder.appendingPathComponent(name + ".png"))
      } catch let error as ImagingError {
        pngFailure = "PNG plots skipped: libvips could not render \(name).svg: \(error)"
      }
    }
    if let pngFailure { output.warnings.append(pngFailure) }

    var overlays: [HTMLReport.Overlay] = []
    if let dataset {
      overlays = makeOverlays(reports, dataset: dataset, warnings: &output.warnings)
    }
    for overlay in overlays {
      guard let png = overlay.png else { continue }
      try save(
        png,
        folder.appendingPathComponent("overlays")
          .appendingPathComponent(Dataset.flatFileName(overlay.method))
          .appendingPathComponent(Dataset.pictureFileName(for: overlay.fileName)))
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

  private func makeOverlays(
    _ reports: [RecallReport], dataset: Dataset, warnings: inout [String]
  ) -> [HTMLReport.Overlay] {
    var overlays: [HTMLReport.Overlay] = []
    let byName = Dictionary(
      dataset.images.map { ($0.fileName, $0) }, uniquingKeysWith: { first, _ in first })
    for index in sampleIndices(reports[0]) {
      let fileName = reports[0].images[index].fileName
      guard let image = byName[fileName] else { continue }
      let picture: Image
      do {
        picture = try Image(
          contentsOf: dataset.url(of: image), maxSide: configuration.overlayMaxSide)
      } catch {
        warnings.append("overlay of \(fileName) skipped: \(error)")
        for report in reports {
          overlays.append(
            .init(
              fileName: fileName, method: report.summary.method, png: nil,
              caption: "image not readable"))
        }
        continue
      }
      for report in reports {
        guard let result = report.images.first(where: { $0.fileName == fileName }) else { continue }
        let k = overlayCountIndex(report.summary.proposalCounts)
        let count = report.summary.proposalCounts[k]
        let missed = result.objects.filter { $0.bestIoU[k] < configuration.overlayIoU }.count
        let caption =
          "N = \(count), \(result.objects.count - missed) of \(result.objects.count) "
          + "objects found at IoU \(configuration.overlayIoU)"
        do {
          let drawn = try RecallOverlay.draw(
            result, on: picture, countIndex: k, iou: configuration.overlayIoU)
          overlays.append(
            .init(
              fileName: fileName, method: report.summary.method, png: try drawn.encoded(as: .png),
              caption: caption))
        } catch {
          warnings.append("overlay of \(fileName) for \(report.summary.method) skipped: \(error)")
          overlays.append(
            .init(fileName: fileName, method: report.summary.method, png: nil, caption: caption))
        }
      }
    }
    return overlays
  }
}
