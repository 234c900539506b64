import ArgumentParser
import Boxes
import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging
import ProposalIO

/// The input, pictures, extra files and scores of `regionkit detect`.
enum DetectInput {
  /// The images of a dataset folder or one image file, and the dataset.
  static func items(_ input: String, split: String?, imageID: Int) throws -> (
    [BatchDetection.Item], Dataset?
  ) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
      throw ValidationError("INPUT \(input) does not exist")
    }
    let url = URL(fileURLWithPath: input)
    if isDirectory.boolValue || url.pathExtension.lowercased() == "json" {
      let data = try Dataset.load(from: url, split: split)
      DatasetWarnings.printSizeMismatches(of: data)
      // A plain folder's unreadable files (image id 0, size 0) fail in the run like any
      // unreadable image: listed on standard error, in --timings and --write-proposals.
      let items = ImageFailures.addingUnreadable(
        to: data.images.map {
          BatchDetection.Item(
            url: data.url(of: $0), name: $0.fileName, imageID: $0.id, width: $0.width,
            height: $0.height)
        }, of: data, name: \.name,
        make: { BatchDetection.Item(url: $1, name: $0, imageID: 0, width: 0, height: 0) })
      return (items, data)
    }
    let info = try ImageInfo.read(contentsOf: url)
    return (
      [
        BatchDetection.Item(
          url: url, name: url.lastPathComponent, imageID: imageID, width: info.uprightWidth,
          height: info.uprightHeight)
      ], nil
    )
  }

  /// The items a proposals file has records for, and the names of the others.
  static func covered(_ items: [BatchDetection.Item], by file: PrecomputedProposals) -> (
    [BatchDetection.Item], [String]
  ) {
    (
      items.filter { file.contains(image: $0.name) },
      items.map(\.name).filter { !file.contains(image: $0) }
    )
  }

  /// Draws each image's detections scored at least `minScore`; returns how many were drawn.
  static func drawPictures(_ results: [BatchDetection.Result], minScore: Float, folder: String)
    throws -> Int
  {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var drawn = 0
    for result in results {
      guard var picture = result.picture else { continue }
      let scale = Float(picture.width) / Float(max(result.item.width, 1))
      for object in result.objects where object.score >= minScore {
        try picture.drawBox(
          object.scaled(by: scale).box, color: .category(object.label - 1),
          label: "\(object.category.name) " + String(format: "%.2f", object.score))
        drawn += 1
      }
      let file = URL(fileURLWithPath: folder).appendingPathComponent(
        Dataset.pictureFileName(for: result.item.name))
      try writePicture(picture, to: file.path)
    }
    return drawn
  }

  /// Per-image seconds.
  struct Timing: Codable {
    var image: String
    var proposalSeconds: Double
    var networkSeconds: Double
    var proposals: Int
    /// Why the image could not be read; left out when it was.
    var error: String?
  }

  /// Writes the proposals used (JSON Lines) and the per-image timings (JSON) when asked for.
  static func writeExtras(_ results: [BatchDetection.Result], proposals: String?, timings: String?)
    throws
  {
    if let proposals {
      try ProposalFile.write(
        results.map { result in
          ProposalRecord(
            image: result.item.name, width: result.item.width, height: result.item.height,
            seconds: result.error == nil ? result.proposalSeconds : nil,
            proposals: result.proposals.enumerated().map {
              Proposal(
                box: $1, score: Float(result.proposals.count - $0),
                provenance: Provenance(method: "detect"))
            }, error: result.error)
        }, to: URL(fileURLWithPath: proposals))
    }
    if let timings {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(
        results.map {
          Timing(
            image: $0.item.name, proposalSeconds: $0.proposalSeconds,
            networkSeconds: $0.networkSeconds, proposals: $0.proposals.count, error: $0.error)
        }
      ).write(to: URL(fileURLWithPath: timings), options: .atomic)
    }
  }

  /// The AP line of `--evaluate`.
  static func score(_ detections: [Detection], dataset: Dataset, metric: DetectionMetric) throws
    -> String
  {
    switch metric {
    case .coco:
      let result = try COCOEvaluation().evaluate(detections: detections, dataset: dataset)
      return String(format: "COCO AP50 %.4f, AP %.4f", result.stats[1], result.stats[0])
    case .voc07, .voc12:
      let mode: VOCAveragePrecision.Mode = metric == .voc07 ? .elevenPoint : .allPoint
      let result = try VOCAveragePrecision(mode: mode).evaluate(
        detections: detections, dataset: dataset)
      return String(format: "VOC mAP50 (%@) %.4f", metric.rawValue, result.meanAveragePrecision)
    }
  }
}
