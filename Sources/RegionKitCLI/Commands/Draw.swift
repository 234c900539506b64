import ArgumentParser
import Boxes
import Datasets
import Foundation
import Imaging
import ProposalIO

/// `regionkit draw`: boxes from a file drawn onto an image.
struct Draw: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw boxes from a proposals, annotations or detections file onto an image.",
    discussion: """
      --boxes takes one of:
        a proposals file (.jsonl, one image per line): the line whose "image" matches IMAGE \
      (same path, or same file name) is drawn, best-ranked first; boxes are rescaled when the \
      line's width/height differ from the image's;
        COCO annotations (.json object with "images"): the ground truth of the image whose \
      file_name matches IMAGE, labelled with category names;
        COCO results (.json array of {image_id, category_id, bbox, score}): the detections \
      with --image-id, labelled with category id and score.
      Proposals are labelled with their rank in the file (#1 is the best-ranked). Labels are \
      placed so that they overlap neither one another nor any box outline: above or inside a \
      corner of their box, stacked, or in the nearest free space with a line to their box.
      --max-overlap 0.5 skips near-duplicates: a box is drawn only when its IoU with every box \
      drawn before it is at most 0.5, and --top counts the boxes drawn.
      The output format follows the extension of -o (.png or .jpg).
      """)

  @Argument(help: "The image to draw on.")
  var image: String

  @Option(
    help: "The file with the boxes (.jsonl proposals, COCO annotations or COCO results .json).")
  var boxes: String

  @Option(name: .shortAndLong, help: "The picture to write (.png or .jpg).")
  var output: String

  @Option(help: "Draw at most this many boxes, best first; 0 draws all.")
  var top = 100

  @Option(help: "Skip proposals and detections scored below this.")
  var minScore: Float = 0

  @Option(
    help:
      "Skip boxes whose IoU with a box drawn before them is above this (near-duplicates), e.g. 0.5. Default: none, every box."
  )
  var maxOverlap: Float?

  @Option(help: "Line width in pixels.")
  var lineWidth = 2

  @Option(help: "Label font size in pixels.")
  var fontSize = 12

  @Flag(
    inversion: .prefixedNo, help: "Label each box (class name, score or rank), without overlaps.")
  var labels = true

  @Option(help: "The image_id whose detections to draw, for a COCO results file. Default: none.")
  var imageID: Int?

  @Option(
    help:
      "Shrink the picture so its longer side is at most this many pixels (boxes follow). Default: none, full size."
  )
  var maxSide: Int?

  func validate() throws {
    try OptionRange.check("--top", top, in: 0...Int(Int32.max))
    try OptionRange.checkFinite("--min-score", minScore)
    try OptionRange.check("--line-width", lineWidth, in: 1...1000)
    try OptionRange.check("--font-size", fontSize, in: 4...1000)
    try OptionRange.check("--max-overlap", maxOverlap, in: 0...1)
    try OptionRange.check("--image-id", imageID, in: 0...Int(Int64.max))
    try OptionRange.check("--max-side", maxSide, in: 1...GeneratorOptions.maximumSide)
    try validateOutputPath(output)
  }

  func run() throws {
    let imageURL = URL(fileURLWithPath: image)
    let info = try ImageInfo.read(contentsOf: imageURL)
    var picture = try Image(contentsOf: imageURL, maxSide: maxSide)
    let labelled = try BoxSource.read(URL(fileURLWithPath: boxes), for: imageURL, imageID: imageID)
    let scaleX = Float(picture.width) / Float(labelled.width ?? info.uprightWidth)
    let scaleY = Float(picture.height) / Float(labelled.height ?? info.uprightHeight)
    var drawn: [BoxSource.Item] = []
    var skipped = 0
    for item in labelled.boxes where item.score.map({ $0 >= minScore }) ?? true {
      if top > 0 && drawn.count == top { break }
      if let maxOverlap, drawn.contains(where: { $0.box.iou(item.box) > maxOverlap }) {
        skipped += 1
        continue
      }
      drawn.append(item)
    }
    // Best first: its outline ends on top and its label gets the first choice of place.
    // Proposals take the palette's colours in drawing order, so neighbours in the list differ.
    try picture.drawBoxes(
      drawn.enumerated().map { index, item in
        LabeledBox(
          box: Box(
            x1: item.box.x1 * scaleX, y1: item.box.y1 * scaleY, x2: item.box.x2 * scaleX,
            y2: item.box.y2 * scaleY),
          color: labelled.kind == "proposals" ? .category(index) : item.color,
          label: labels ? item.label : "")
      }, lineWidth: lineWidth, fontSize: fontSize)
    try writePicture(picture, to: output)
    let duplicates = maxOverlap.map { ", \(skipped) near-duplicates (IoU > \($0)) skipped" } ?? ""
    print(
      "\(output): \(drawn.count) of \(labelled.boxes.count) \(labelled.kind) drawn on \(picture.width)x\(picture.height)\(duplicates)"
    )
  }
}

/// Boxes for one image read from a proposals, annotations or results file.
struct BoxSource {
  struct Item {
    var box: Box
    var score: Float?
    var label: String
    var color: RGBColor
  }

  /// What the boxes are, for messages: "proposals", "ground-truth boxes" or "detections".
  var kind: String
  /// The image size the boxes refer to, when the file says.
  var width: Int?
  var height: Int?
  /// Best first.
  var boxes: [Item]

  static func read(_ url: URL, for image: URL, imageID: Int?) throws -> BoxSource {
    if url.pathExtension.lowercased() == "jsonl" {
      return try proposals(url, for: image)
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw ValidationError("--boxes \(url.path): cannot read: \(error.localizedDescription)")
    }
    let firstByte = data.first {
      ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains($0)
    }
    if firstByte == UInt8(ascii: "[") {
      guard let imageID else {
        throw ValidationError(
          "--boxes \(url.path) is a COCO results file: give --image-id to choose the image")
      }
      let detections = try COCOResults.decode(data, file: url.path)
        .filter { $0.imageID == imageID }
        .sorted { $0.score > $1.score }
      return BoxSource(
        kind: "detections", width: nil, height: nil,
        boxes: detections.map {
          Item(
            box: $0.box, score: $0.score, label: String(format: "%d %.2f", $0.categoryID, $0.score),
            color: .category($0.categoryID))
        })
    }
    let dataset = try Dataset.loadCOCO(annotationsFile: url)
    guard let entry = match(image, in: dataset.images.map(\.fileName)).map({ dataset.images[$0] })
    else {
      throw ValidationError("--boxes \(url.path) has no image named \(image.lastPathComponent)")
    }
    // A file whose size differs from the annotation's is warned about, and its boxes are
    // drawn as annotated (in the file's pixels), not stretched to fit.
    let warning = (try? ImageInfo.read(contentsOf: image)).flatMap {
      entry.sizeWarning(width: $0.uprightWidth, height: $0.uprightHeight)
    }
    if let warning { DatasetWarnings.print([warning]) }
    return BoxSource(
      kind: "ground-truth boxes", width: warning == nil ? entry.width : nil,
      height: warning == nil ? entry.height : nil,
      boxes: entry.annotations.map {
        let name =
          dataset.categories.indices.contains($0.label)
          ? dataset.categories[$0.label].name : "\($0.categoryID)"
        return Item(
          box: $0.box, score: nil, label: $0.isCrowd ? "\(name) (crowd)" : name,
          color: .category($0.label))
      })
  }

  private static func proposals(_ url: URL, for image: URL) throws -> BoxSource {
    let records = try ProposalFile.read(contentsOf: url)
    let index = records.count == 1 ? 0 : match(image, in: records.map(\.image))
    guard let index else {
      throw ValidationError("--boxes \(url.path) has no line for image \(image.lastPathComponent)")
    }
    let record = records[index]
    if let error = record.error {
      throw ValidationError("--boxes \(url.path): \(record.image) failed when proposed: \(error)")
    }
    return BoxSource(
      kind: "proposals", width: record.width > 0 ? record.width : nil,
      height: record.height > 0 ? record.height : nil,
      boxes: record.proposals.enumerated().map { rank, proposal in
        Item(
          box: proposal.box, score: proposal.score,
          label: "#\(rank + 1)",
          color: .category(rank))
      })
  }

  /// The index of the name that is `image`'s path, or ends with its file name.
  private static func match(_ image: URL, in names: [String]) -> Int? {
    let path = image.path
    let fileName = image.lastPathComponent
    return names.firstIndex { path == $0 || path.hasSuffix("/" + $0) }
      ?? names.firstIndex { URL(fileURLWithPath: $0).lastPathComponent == fileName }
  }
}
