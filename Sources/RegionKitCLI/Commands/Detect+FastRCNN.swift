import ArgumentParser
import Boxes
import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging
import Proposals

/// Options of `regionkit detect` for Fast and Faster R-CNN models.
struct FastRCNNDetectOptions: ParsableArguments {
  @Option(
    help: "fast-rcnn: the proposal method (\(ProposalMethod.names)). Default: the model's.")
  var proposals: ProposalMethod?

  @Option(help: "fast-rcnn: take proposals from this faster-rcnn model's RPN instead.")
  var rpnModel: String?

  @Option(help: "Write the proposals used (fast-rcnn) or the RPN's (faster-rcnn) to this .jsonl.")
  var writeProposals: String?

  @Option(help: "Write per-image proposal and network seconds to this JSON file.")
  var timings: String?

  @Flag(help: "With a dataset INPUT: print the COCO AP50 and AP of the detections.")
  var evaluate = false
}

/// Seconds spent per image.
struct DetectionTiming: Codable {
  var image: String
  var proposalSeconds: Double
  var networkSeconds: Double
  var proposals: Int
}

extension Detect {
  /// `detect` with a fast-rcnn or faster-rcnn model.
  func runFastRCNN(architecture: DetectorArchitecture) throws {
    let folder = URL(fileURLWithPath: model)
    let configuration = try ModelFolder.fastRCNNConfiguration(in: folder)
    let network = try ModelFolder.loadFasterRCNN(from: folder, configuration: configuration)
    var rpn: FasterRCNN?
    if let rpnModel = fast.rpnModel {
      rpn = try ModelFolder.loadFasterRCNN(from: URL(fileURLWithPath: rpnModel))
    }
    let method =
      fast.proposals ?? ProposalMethod(rawValue: configuration.proposalMethod) ?? .selectiveSearch
    let generator: any ProposalGenerator =
      architecture == .fasterRCNN
      ? network
      : (rpn ?? FastRCNNTrainOptions.generator(method, top: configuration.maxProposals))
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
      throw ValidationError("INPUT \(input) does not exist")
    }
    let inputURL = URL(fileURLWithPath: input)
    var items: [(id: Int, url: URL, width: Int, height: Int, name: String)] = []
    var categories: [Int] = configuration.categoryIDs
    var dataset: Dataset?
    if isDirectory.boolValue {
      let data = try Dataset.load(from: inputURL, split: split)
      dataset = data
      items = data.images.map { ($0.id, data.url(of: $0), $0.width, $0.height, $0.fileName) }
      if data.categories.count == configuration.classes.count {
        categories = data.categories.map(\.id)
      }
    } else {
      let info = try ImageInfo.read(contentsOf: inputURL)
      items = [
        (imageID, inputURL, info.uprightWidth, info.uprightHeight, inputURL.lastPathComponent)
      ]
    }
    if let draw {
      try FileManager.default.createDirectory(atPath: draw, withIntermediateDirectories: true)
    }
    let writer = try fast.writeProposals.map {
      try ProposalFileWriter(url: URL(fileURLWithPath: $0))
    }
    let bar = ProgressBar(total: items.count, label: "detect", isEnabled: !noProgress)
    var detections: [Detection] = []
    var timings: [DetectionTiming] = []
    for item in items {
      let image = try Image(contentsOf: item.url, maxSide: 4 * configuration.maxSide)
      // Boxes come back in the decoded image's pixels; the dataset's may be larger.
      let toDataset = Float(item.width) / Float(image.width)
      let start = Date()
      let objects: [DetectedObject]
      var proposals: [Proposal] = []
      var proposalSeconds = 0.0
      if architecture == .fasterRCNN && fast.writeProposals == nil {
        objects = try network.detect(image)
      } else {
        // Proposals on the resized input, as in training.
        let prepared = FastRCNN.input(image, configuration: configuration)
        let resized =
          prepared.width == image.width && prepared.height == image.height
          ? image : image.resized(width: prepared.width, height: prepared.height)
        proposals = Array(try generator.proposals(for: resized).prefix(configuration.maxProposals))
        proposalSeconds = Date().timeIntervalSince(start)
        if architecture == .fasterRCNN {
          objects = try network.detect(image)
        } else {
          let back = 1 / prepared.scale
          objects = try network.fast.detect(
            image,
            proposals: proposals.map {
              Box(
                x1: $0.box.x1 * back, y1: $0.box.y1 * back, x2: $0.box.x2 * back,
                y2: $0.box.y2 * back)
            })
        }
        if let writer {
          let s = back(prepared.scale) * toDataset
          try writer.append(
            ProposalRecord(
              image: item.name, width: item.width, height: item.height, seconds: proposalSeconds,
              proposals: proposals.map {
                Proposal(
                  box: Box(
                    x1: $0.box.x1 * s, y1: $0.box.y1 * s, x2: $0.box.x2 * s, y2: $0.box.y2 * s),
                  score: $0.score, provenance: $0.provenance)
              }))
        }
      }
      let total = Date().timeIntervalSince(start)
      timings.append(
        DetectionTiming(
          image: item.name, proposalSeconds: proposalSeconds,
          networkSeconds: total - proposalSeconds, proposals: proposals.count))
      for object in objects where object.score >= minScore && object.label - 1 < categories.count {
        let box = Box(
          x1: object.box.x1 * toDataset, y1: object.box.y1 * toDataset,
          x2: object.box.x2 * toDataset, y2: object.box.y2 * toDataset)
        detections.append(
          Detection(
            imageID: item.id, box: box, categoryID: categories[object.label - 1],
            score: object.score))
      }
      if let draw {
        try writeDetectionPicture(
          image, objects: objects, classes: configuration.classes, minScore: max(minScore, 0.5),
          name: item.name, folder: draw)
      }
      bar.advance()
    }
    bar.finish()
    try writer?.finish()
    try COCOResults.write(detections, to: URL(fileURLWithPath: output))
    if let path = fast.timings {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(timings).write(to: URL(fileURLWithPath: path))
    }
    var summary = ""
    if fast.evaluate, let dataset {
      let result = try COCOEvaluation().evaluate(detections: detections, dataset: dataset)
      summary = String(format: "; AP50 %.4f, AP %.4f", result.stats[1], result.stats[0])
    }
    let n = Double(max(timings.count, 1))
    print(
      "\(output): \(detections.count) detections on \(items.count) images; "
        + String(
          format: "proposals %.4f s/image, network %.4f s/image",
          timings.map(\.proposalSeconds).reduce(0, +) / n,
          timings.map(\.networkSeconds).reduce(0, +) / n) + summary)
  }

  private func back(_ scale: Float) -> Float { 1 / scale }
}
