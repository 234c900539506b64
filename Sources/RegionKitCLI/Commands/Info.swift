import ArgumentParser
import Datasets
import Foundation
import Imaging

/// `regionkit info`: what an image or a dataset holds.
struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe an image (size, format) or a dataset (images, boxes, classes, box sizes).",
    discussion: """
      PATH is an image file, a dataset folder (COCO: images/ + annotations.json; \
      Pascal VOC: images/ + annotations/*.xml or JPEGImages/ + Annotations/; \
      or a plain folder of images), or a COCO annotations .json file.
      Problems found in the annotations (boxes clipped to the image, empty boxes dropped) \
      are listed on standard error.
      """)

  @Argument(help: "An image file, a dataset folder or a COCO annotations .json file.")
  var path: String

  @Option(help: "Pascal VOC split to read (ImageSets/Main/<split>.txt). Default: none, all files.")
  var split: String?

  @Flag(help: "Print JSON instead of text.")
  var json = false

  @Option(help: "Number of classes listed in the text output; 0 lists all.")
  var topClasses = 20

  func validate() throws {
    try OptionRange.check("--top-classes", topClasses, in: 0...Int(Int32.max))
  }

  func run() throws {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw ValidationError("\(path): no such file or folder")
    }
    if !isDirectory.boolValue && url.pathExtension.lowercased() != "json" {
      try describeImage(url)
    } else {
      try describeDataset(url)
    }
  }

  private func describeImage(_ url: URL) throws {
    let info = try ImageInfo.read(contentsOf: url)
    if json {
      let object: [String: Any] = [
        "file": url.path, "format": info.format, "width": info.uprightWidth,
        "height": info.uprightHeight, "stored_width": info.width, "stored_height": info.height,
        "bands": info.bands, "bits_per_sample": info.bitsPerSample, "has_alpha": info.hasAlpha,
        "orientation": info.orientation,
      ]
      print(try JSONOutput.string(object))
      return
    }
    print("image: \(url.path)")
    print(
      "format: \(info.format), \(info.bands) band(s), \(info.bitsPerSample)-bit\(info.hasAlpha ? ", alpha" : "")"
    )
    print("size: \(info.uprightWidth) x \(info.uprightHeight) (width x height, upright)")
    if info.orientation != 1 {
      print(
        "EXIF orientation: \(info.orientation) (stored as \(info.width) x \(info.height); loading rotates it)"
      )
    }
  }

  private func describeDataset(_ url: URL) throws {
    let dataset = try Dataset.load(from: url, split: split)
    for warning in dataset.warnings {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    let statistics = DatasetStatistics(dataset)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(statistics), as: UTF8.self))
      return
    }
    print("dataset: \(url.path) (\(dataset.format.rawValue))")
    print(
      "images: \(statistics.imageCount)"
        + (statistics.emptyImageCount > 0 ? " (\(statistics.emptyImageCount) without boxes)" : ""))
    print(
      "boxes: \(statistics.boxCount) (\(statistics.crowdCount) crowd, \(statistics.difficultCount) difficult)"
    )
    if !dataset.warnings.isEmpty {
      print("warnings: \(dataset.warnings.count) (listed on standard error)")
    }
    print("classes: \(dataset.categories.count)")
    let ranked = statistics.boxesPerCategory.sorted { ($0.boxes, $1.name) > ($1.boxes, $0.name) }
    let shown = topClasses > 0 ? Array(ranked.prefix(topClasses)) : ranked
    let nameWidth = shown.map(\.name.count).max() ?? 0
    for count in shown {
      print(
        "  \(count.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(count.boxes) boxes in \(count.images) images"
      )
    }
    if shown.count < ranked.count {
      print("  ... \(ranked.count - shown.count) more (--top-classes 0 lists all)")
    }
    if statistics.boxCount > 0 {
      let areas = statistics.areaHistogram
      print(
        "box sizes (COCO area ranges): small \(areas.small), medium \(areas.medium), large \(areas.large)"
      )
      print("box side sqrt(w*h), pixels:")
      let largest = statistics.sideLengthHistogram.max() ?? 1
      let firstUsed = statistics.sideLengthHistogram.firstIndex { $0 > 0 } ?? 0
      for (bin, count) in statistics.sideLengthHistogram.enumerated() where bin >= firstUsed {
        let low = bin == 0 ? 0 : 1 << bin
        let label = "\(low)-\(1 << (bin + 1))".padding(toLength: 10, withPad: " ", startingAt: 0)
        let bar = String(
          repeating: "#", count: count == 0 ? 0 : max(1, count * 40 / max(largest, 1)))
        print("  \(label) \(String(count).leftPadded(to: 6)) \(bar)")
      }
    }
  }
}

extension String {
  /// The string right-aligned in a field of `width` characters.
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
