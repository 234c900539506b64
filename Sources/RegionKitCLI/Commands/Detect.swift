import ArgumentParser
import Boxes
import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging

/// How `detect --evaluate` scores detections.
enum DetectionMetric: String, ExpressibleByArgument, CaseIterable {
  case coco, voc07, voc12
}

/// `regionkit detect`: runs any trained model on a dataset or one image.
struct Detect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a trained detector on a dataset or an image and write COCO results JSON.",
    discussion: """
      MODEL is a folder written by `regionkit train` (any architecture). INPUT is a dataset \
      (COCO or VOC; image and category ids come from it) or one image (image id --image-id). \
      Detections carry the category ids of the dataset the model was trained on. R-CNN and \
      Fast R-CNN classify proposals: by default their model's method, or --proposals; \
      classify-localize and Faster R-CNN find their own and refuse --proposals. Prints the \
      mean seconds per image of proposals and network. An image that cannot be read (in a \
      plain folder too) has no detections, is listed on standard error, in --timings and in \
      --write-proposals (an "error" key), and the run goes on; with --strict the exit status \
      is then 1. A single image file that cannot be read always exits 1.
      """)

  @Argument(help: "The model folder.")
  var model: String

  @Argument(help: "A dataset folder (or COCO .json) or an image file.")
  var input: String

  @Option(
    help:
      "The split of a dataset INPUT (VOC ImageSets/Main/SPLIT.txt or COCO instances_SPLIT.json). Default: the only COCO split, or every VOC image."
  )
  var split: String?

  @Option(name: .shortAndLong, help: "The COCO results file to write (.json).")
  var output: String

  @Option(help: "The image_id of a single INPUT image.")
  var imageID = 1

  @OptionGroup(title: "Proposals (rcnn, fast-rcnn)") var proposals: ProposalInputOptions

  @Option(
    help:
      "rcnn, fast-rcnn: take proposals from this faster-rcnn model's RPN instead of --proposals. Default: none."
  )
  var rpnModel: String?

  @Option(help: "Leave out detections scored below this.")
  var minScore: Float = 0

  @Option(
    help: "Write one picture per image with its detections into this folder (PNG). Default: none.")
  var draw: String?

  @Option(help: "--draw shows the detections scored at least this.")
  var drawMinScore: Float = 0.5

  @Flag(help: "With a dataset INPUT: print the AP of the detections (--metric).")
  var evaluate = false

  @Option(
    help:
      "--evaluate: coco (AP50 and AP 0.5:0.95), voc07 (11-point AP50) or voc12 (all-point AP50).")
  var metric: DetectionMetric = .coco

  @Option(
    help:
      "rcnn, fast-rcnn: write the proposals classified to this .jsonl (`regionkit propose --method rpn --model MODEL` writes a Faster R-CNN's). Default: none."
  )
  var writeProposals: String?

  @Option(help: "Write per-image proposal and network seconds to this JSON file. Default: none.")
  var timings: String?

  @Flag(help: "Exit with status 1 when any image failed.")
  var strict = false

  @Option(
    help:
      "Shrink each image as it is decoded so that its longer side is at most this many pixels; detections stay in the original image's pixels. Default: none (R-CNN works on the full image; Fast and Faster R-CNN decode at up to 4x their input side)."
  )
  var maxSide: Int?

  @Option(help: MemoryLimitOption.help)
  var memoryLimit: String?

  @OptionGroup var runOptions: RunOptions

  func validate() throws {
    _ = try MemoryLimitOption.budget(memoryLimit, jobs: 1)
    try OptionRange.check("--max-side", maxSide, in: 1...GeneratorOptions.maximumSide)
    if metric != .coco && !evaluate { throw ValidationError("--metric needs --evaluate") }
    if rpnModel != nil && proposals.proposals != nil {
      throw ValidationError("give --proposals or --rpn-model, not both")
    }
    try OptionRange.check("--image-id", imageID, in: 0...Int(Int64.max))
    try OptionRange.checkFinite("--min-score", minScore)
    try OptionRange.checkFinite("--draw-min-score", drawMinScore)
  }

  func run() throws {
    let threads = try runOptions.threads()
    let detector = try DetectorModel.load(from: URL(fileURLWithPath: model))
    let source = try proposalSource(for: detector)
    var (items, dataset) = try DetectInput.items(input, split: split, imageID: imageID)
    if evaluate && dataset == nil { throw CommandError("--evaluate needs a dataset INPUT") }
    if writeProposals != nil && !detector.acceptsProposals {
      throw CommandError(
        "--write-proposals: \(model) classifies no proposals; `regionkit propose --method rpn --model MODEL` writes a Faster R-CNN's"
      )
    }
    if case .file(let file)? = source {
      let (covered, missing) = DetectInput.covered(items, by: file)
      if let first = missing.first, !proposals.skipMissing {
        throw DetectorsError.missingProposals(file: file.url.path, image: first)
      }
      if !missing.isEmpty {
        FileHandle.standardError.write(
          Data(
            "skipped \(missing.count) images without proposals: \(missing.prefix(5).joined(separator: ", "))\n"
              .utf8))
        items = covered
        dataset?.images.removeAll { image in missing.contains(image.fileName) }
      }
    }
    let bar = ProgressBar(total: items.count, label: "detect", isEnabled: !runOptions.noProgress)
    let imagesAtOnce = writeProposals == nil ? threads : 1
    let results = try BatchDetection.run(
      detector, on: items, proposals: source, keepPictures: draw != nil, maxSide: maxSide,
      memoryBudget: try MemoryLimitOption.budget(memoryLimit, jobs: imagesAtOnce),
      threads: imagesAtOnce
    ) { bar.advance() }
    bar.finish()
    let failed = results.compactMap { result in
      result.error.map { (image: result.item.name, error: $0) }
    }
    ImageFailures.list(failed)
    let detections = results.flatMap { result in
      result.objects.filter { $0.score >= minScore }.map {
        Detection(
          imageID: result.item.imageID, box: $0.box, categoryID: $0.category.categoryID,
          score: $0.score)
      }
    }
    try COCOResults.write(detections, to: URL(fileURLWithPath: output))
    try DetectInput.writeExtras(results, proposals: writeProposals, timings: timings)
    var summary = "\(output): \(detections.count) detections on \(items.count) images"
    if !failed.isEmpty { summary += ", \(failed.count) failed" }
    if let draw {
      let drawn = try DetectInput.drawPictures(
        results, minScore: max(drawMinScore, minScore), folder: draw)
      summary += "; drew \(drawn) scored >= \(max(drawMinScore, minScore)) in \(draw)"
    }
    if evaluate, let dataset {
      summary += "; " + (try DetectInput.score(detections, dataset: dataset, metric: metric))
    }
    let n = Double(max(results.count - failed.count, 1))
    print(
      summary
        + String(
          format: "; %.4f s/image proposals, %.4f s/image network",
          results.map(\.proposalSeconds).reduce(0, +) / n,
          results.map(\.networkSeconds).reduce(0, +) / n))
    try ImageFailures.exitIfNeeded(failed: failed.count, strict: strict, input: input)
  }

  /// The proposal source the options ask for, checked against the model.
  func proposalSource(for detector: any Detector) throws -> ProposalSource? {
    if rpnModel == nil && proposals.proposals == nil { return nil }
    guard detector.acceptsProposals else {
      throw CommandError(
        "\(model) finds its own regions: --proposals, --skip-missing and --rpn-model do not apply")
    }
    if let rpnModel {
      return .generator(try DetectorModel.loadFasterRCNN(from: URL(fileURLWithPath: rpnModel)))
    }
    let count =
      (detector as? RCNN)?.maxProposals ?? (detector as? FastRCNN)?.configuration.maxProposals
      ?? 2000
    return try proposals.source(maxProposals: count)
  }
}
