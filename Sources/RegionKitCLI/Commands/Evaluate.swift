import ArgumentParser
import Datasets
import Evaluation
import Foundation
import ProposalIO

/// `regionkit evaluate`: proposal recall of several methods on a dataset, as a report.
struct Evaluate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare the recall of proposal methods on a dataset and write a report.",
    discussion: """
      Runs each --method over the dataset (or reads proposals made by any other tool with \
      --proposals FILE.jsonl) and writes into the -o folder: summary.json (every number), \
      table.md, plots as SVG and PNG (recall vs number of proposals at IoU 0.5 and 0.7, recall \
      vs IoU at N = 100 and 1000, average recall vs N, AR@1000 vs seconds per image; curves \
      against N end at the most proposals any image got), index.html (one self-contained page \
      with the table, the plots two per row and full-width overlays: ground truth in green, \
      the best proposal for each object in blue, missed objects in red, each object labelled \
      with the IoU of its best proposal), the same overlays as overlays/<method>/<image>.png \
      and all on one sheet as overlays/<method>.png, and the proposals it computed as \
      proposals/<method>.jsonl and proposals/<method>.npz (boxes, scores, image_ids, images: \
      the layout of `regionkit merge`).
      Average recall (AR) is the mean recall over IoU 0.5:0.05:0.95 (Hosang et al. 2016). \
      Crowd and difficult objects are ignored unless --include-crowd / --include-difficult.
      Methods: \(ProposalMethod.names).
      """)

  @Argument(help: "The dataset with ground truth (COCO or Pascal VOC).")
  var dataset: String

  @Option(
    help:
      "The split: VOC ImageSets/Main/SPLIT.txt or COCO annotations/instances_SPLIT.json. Default: the only COCO split, or every VOC image."
  )
  var split: String?

  @Option(
    name: .customLong("method"),
    help:
      "A proposal method to run; repeat for several (\(ProposalMethod.names)). Default: selective-search when no --proposals is given."
  )
  var methods: [ProposalMethod] = []

  @Option(
    name: .customLong("proposals"),
    help:
      "A proposals .jsonl file made by any tool; repeat for several. Its method name is the file name without extension."
  )
  var proposalFiles: [String] = []

  @OptionGroup var generatorOptions: GeneratorOptions

  @Option(help: "Evaluate only the first N images of the dataset. Default: all.")
  var limit: Int?

  @Option(name: .shortAndLong, help: "The report folder.")
  var output = "report"

  @Option(help: "Sample images drawn as overlays (in index.html and overlays/).")
  var overlays = 6

  @Flag(help: "Count crowd objects (COCO iscrowd) as objects to find.")
  var includeCrowd = false

  @Flag(help: "Count difficult objects (Pascal VOC) as objects to find.")
  var includeDifficult = false

  @Flag(
    help:
      "Refuse a --proposals file with lines for images that are not in the dataset (by default they are listed as a warning and ignored)."
  )
  var strict = false

  @Flag(help: "Do not draw progress bars.")
  var noProgress = false

  func validate() throws {
    try OptionRange.check("--limit", limit, in: 1...Int(Int32.max))
    try OptionRange.check("--overlays", overlays, in: 0...1000)
    try generatorOptions.validateObjectness(
      for: methods.isEmpty && proposalFiles.isEmpty ? [.selectiveSearch] : methods)
    try generatorOptions.validateMethods(methods)
  }

  func run() async throws {
    var dataset = try Dataset.load(from: URL(fileURLWithPath: dataset), split: split)
    DatasetWarnings.print(dataset.warnings)
    DatasetWarnings.printSizeMismatches(of: dataset)
    guard !dataset.categories.isEmpty else {
      throw ValidationError(
        "\(self.dataset) has no ground truth (a plain folder of images cannot be evaluated)")
    }
    // Proposals files are checked against the whole dataset, not the --limit first images.
    let known = Set(dataset.images.map(\.fileName))
    if let limit { dataset.images = Array(dataset.images.prefix(limit)) }
    let folder = URL(fileURLWithPath: output)
    let proposalsFolder = folder.appendingPathComponent("proposals")
    try FileManager.default.createDirectory(at: proposalsFolder, withIntermediateDirectories: true)

    let evaluation = ProposalEvaluation(
      configuration: .init(includeCrowd: includeCrowd, includeDifficult: includeDifficult))
    var reports: [RecallReport] = []
    let images = dataset.images.map { ($0.fileName, dataset.url(of: $0)) }
    let runMethods = methods.isEmpty && proposalFiles.isEmpty ? [.selectiveSearch] : methods
    for method in runMethods {
      let progress = ProgressBar(
        total: images.count, label: method.rawValue, isEnabled: !noProgress)
      let records = try await generatorOptions.proposer(method).run(on: images) { _ in
        progress.advance()
      }
      progress.finish()
      try ProposalFile.write(
        records, to: proposalsFolder.appendingPathComponent("\(method.rawValue).jsonl"))
      try ProposalArrays.write(
        records, to: proposalsFolder.appendingPathComponent("\(method.rawValue).npz"))
      reports.append(
        try evaluation.evaluate(records: records, dataset: dataset, method: method.rawValue))
    }
    for file in proposalFiles {
      let url = URL(fileURLWithPath: file)
      let records = try ProposalFile.read(contentsOf: url)
      let unknown = records.map(\.image).filter { !known.contains($0) }
      if !unknown.isEmpty {
        let listed =
          unknown.prefix(10).joined(separator: ", ")
          + (unknown.count > 10 ? " and \(unknown.count - 10) more" : "")
        let message =
          "\(file): \(unknown.count) line\(unknown.count == 1 ? " is" : "s are") for images "
          + "not in the dataset: \(listed)"
        if strict { throw CommandError(message + " (--strict)") }
        FileHandle.standardError.write(Data("warning: \(message); ignored\n".utf8))
      }
      reports.append(
        try evaluation.evaluate(
          records: records, dataset: dataset, method: url.deletingPathExtension().lastPathComponent)
      )
    }

    let writer = ReportWriter(
      configuration: .init(sampleCount: overlays, seed: generatorOptions.seed))
    let written = try writer.write(reports, dataset: dataset, to: folder)
    for warning in written.warnings {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    for report in reports
    where !report.summary.failedImages.isEmpty || !report.summary.missingImages.isEmpty {
      FileHandle.standardError.write(
        Data(
          "warning: \(report.summary.method): \(report.summary.failedImages.count) failed and \(report.summary.missingImages.count) missing images count as no proposals\n"
            .utf8))
    }
    print(RecallTable(summaries: reports.map(\.summary)).markdown())
    print("report: \(folder.appendingPathComponent("index.html").path)")
  }
}
