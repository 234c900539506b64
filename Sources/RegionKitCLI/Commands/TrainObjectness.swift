import ArgumentParser
import Boxes
import Datasets
import Foundation
import Imaging
import Proposals

/// `regionkit train-objectness`: fits the learned objectness re-scorer on a dataset.
struct TrainObjectness: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-objectness",
    abstract: "Train the learned objectness scorer (logistic regression on cheap box cues).",
    discussion: """
      Runs --method on the dataset's images, labels each proposal positive when its IoU with a \
      non-crowd ground-truth box is at least --positive-iou and negative below --negative-iou \
      (proposals in between are ignored), samples at most --per-image of them per image with at \
      most half positives (seeded), computes the objectness cues of each (edge density and \
      edge contrast against a surrounding ring, colour contrast, superpixel straddling, size, \
      aspect, centre distance, rank; Alexe et al. 2012) and fits an L2-regularised logistic \
      regression. The model is written as JSON; `ObjectnessReranker` re-ranks any generator \
      with it.
      """)

  @Argument(help: "The training dataset: a COCO (images/ + annotations.json) or Pascal VOC folder.")
  var dataset: String

  @Option(help: "The split to read from a VOC layout with ImageSets. Default: all images.")
  var split: String?

  @Option(name: .shortAndLong, help: "The model file to write (.json).")
  var output: String

  @Option(help: "The proposal method whose proposals are labelled (\(ProposalMethod.names)).")
  var method: ProposalMethod = .edgeBoxes

  @OptionGroup var generatorOptions: GeneratorOptions

  @Option(help: "Use at most this many images (a seeded random subset); 0 uses all.")
  var images = 0

  @Option(help: "Labelled proposals sampled per image, at most half of them positive.")
  var perImage = 64

  @Option(help: "Proposals with at least this IoU to a ground-truth box are objects.")
  var positiveIou: Float = 0.7

  @Option(help: "Proposals with an IoU below this to every ground-truth box are background.")
  var negativeIou: Float = 0.3

  @Option(help: "L2 penalty on the logistic-regression weights.")
  var l2: Double = 1e-3

  @Flag(help: "Do not draw the progress bar.")
  var noProgress = false

  func validate() throws {
    guard images >= 0 else { throw ValidationError("--images must be 0 or more, got \(images)") }
    guard perImage >= 2 else {
      throw ValidationError("--per-image must be at least 2, got \(perImage)")
    }
    guard negativeIou > 0, negativeIou <= positiveIou, positiveIou <= 1 else {
      throw ValidationError(
        "--negative-iou (\(negativeIou)) and --positive-iou (\(positiveIou)) must satisfy "
          + "0 < negative <= positive <= 1")
    }
    guard generatorOptions.objectness == nil else {
      throw ValidationError("--objectness re-ranks proposals; train-objectness does not take it")
    }
    guard l2 >= 0, l2.isFinite else { throw ValidationError("--l2 must be >= 0, got \(l2)") }
  }

  func run() throws {
    let data = try Dataset.load(from: URL(fileURLWithPath: dataset), split: split)
    var random = SplitMix64(seed: generatorOptions.seed)
    var chosen = Array(data.images.indices)
    if images > 0 && images < chosen.count {
      for i in stride(from: chosen.count - 1, to: 0, by: -1) {
        chosen.swapAt(i, Int(random.next() % UInt64(i + 1)))
      }
      chosen = Array(chosen.prefix(images)).sorted()
    }
    let generator = generatorOptions.baseGenerator(method)
    let bar = ProgressBar(total: chosen.count, label: "objectness", isEnabled: !noProgress)
    let threads = generatorOptions.jobs ?? ProcessInfo.processInfo.activeProcessorCount
    let perImageRows = try orderedParallelMap(count: chosen.count, threads: threads) { position in
      defer { bar.advance() }
      return try samples(of: data.images[chosen[position]], in: data, generator: generator)
    }
    bar.finish()
    let rows = perImageRows.flatMap { $0 }
    let positives = rows.filter(\.label).count
    guard positives > 0, positives < rows.count else {
      throw ValidationError(
        "\(dataset): \(positives) positive and \(rows.count - positives) negative proposals from "
          + "\(method.rawValue); both are needed (try another --method or --positive-iou)")
    }
    let model = try ObjectnessModel.train(
      features: rows.map(\.features), labels: rows.map(\.label), l2: l2,
      notes: "\(method.rawValue) proposals of \(chosen.count) images of \(dataset); "
        + "IoU >= \(positiveIou) positive, < \(negativeIou) negative")
    try model.save(to: URL(fileURLWithPath: output))
    print(
      "\(output): \(rows.count) proposals (\(positives) objects) from \(chosen.count) images, "
        + String(
          format: "training accuracy %.3f, log-loss %.4f", model.training.accuracy,
          model.training.loss))
  }

  /// The sampled, labelled feature rows of one image (seeded by the image id).
  private func samples(
    of entry: DatasetImage, in data: Dataset, generator: any ProposalGenerator
  ) throws -> [(features: [Float], label: Bool)] {
    let image = try Image(contentsOf: data.url(of: entry), maxSide: generatorOptions.maxSide)
    let scaleX = Float(image.width) / Float(max(entry.width, 1))
    let scaleY = Float(image.height) / Float(max(entry.height, 1))
    let truths = entry.annotations.filter { !$0.isCrowd }.map {
      Box(
        x1: $0.box.x1 * scaleX, y1: $0.box.y1 * scaleY, x2: $0.box.x2 * scaleX,
        y2: $0.box.y2 * scaleY)
    }
    guard !truths.isEmpty else { return [] }
    let proposals = try generator.proposals(for: image)
    var positives: [Int] = [], negatives: [Int] = []
    for (index, proposal) in proposals.enumerated() {
      let best = truths.map { proposal.box.iou($0) }.max() ?? 0
      if best >= positiveIou {
        positives.append(index)
      } else if best < negativeIou {
        negatives.append(index)
      }
    }
    var random = SplitMix64(seed: generatorOptions.seed ^ UInt64(truncatingIfNeeded: entry.id))
    func sample(_ indices: [Int], _ count: Int) -> [Int] {
      var pool = indices
      let take = min(count, pool.count)
      for i in 0..<take { pool.swapAt(i, i + Int(random.next() % UInt64(pool.count - i))) }
      return Array(pool.prefix(take))
    }
    let objects = sample(positives, perImage / 2)
    let background = sample(negatives, perImage - objects.count)
    guard !objects.isEmpty || !background.isEmpty else { return [] }
    let features = try ObjectnessFeatures(image: image)
    return (objects.map { ($0, true) } + background.map { ($0, false) }).sorted { $0.0 < $1.0 }
      .map { index, label in
        (features.features(for: proposals[index].box, rank: index, count: proposals.count), label)
      }
  }
}
