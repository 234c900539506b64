import ArgumentParser
import Datasets
import Detectors
import Foundation
import Imaging

/// Checks that `-o` names a picture format the commands write.
func validateOutputPath(_ path: String) throws {
  guard ImageEncoding(pathExtension: URL(fileURLWithPath: path).pathExtension) != nil else {
    throw ValidationError("-o \(path): use a .png or .jpg file name")
  }
}

/// Writes a picture, creating its folder; the format follows the extension.
func writePicture(_ picture: Image, to path: String) throws {
  let url = URL(fileURLWithPath: path)
  try FileManager.default.createDirectory(
    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try picture.write(to: url)
}

extension Image {
  /// Images placed left to right on a white background, top-aligned, 8 pixels apart;
  /// single-channel images are shown as grey.
  init(sideBySide parts: [Image]) {
    let gap = 8
    let rgbParts = parts.map { $0.channels == 3 ? $0 : Image(stackingChannels: [$0, $0, $0]) }
    let width = rgbParts.map(\.width).reduce(0, +) + gap * max(0, rgbParts.count - 1)
    let height = rgbParts.map(\.height).max() ?? 1
    var canvas = Image(width: max(width, 1), height: height, channels: 3, repeating: 1)
    var left = 0
    for part in rgbParts {
      for y in 0..<part.height {
        let source = y * part.width * 3
        let target = (y * canvas.width + left) * 3
        canvas.pixels.replaceSubrange(
          target..<(target + part.width * 3), with: part.pixels[source..<(source + part.width * 3)])
      }
      left += part.width + gap
    }
    self = canvas
  }
}

/// Draws the detections scored at least `minScore` (label "class score", colour by class) on
/// `image` and writes it as `folder/<name without extension, / as _>.png`.
func writeDetectionPicture(
  _ image: Image, objects: [DetectedObject], classes: [String], minScore: Float, name: String,
  folder: String
) throws {
  var picture = image
  for object in objects where object.score >= minScore && object.label - 1 < classes.count {
    try picture.drawBox(
      object.box, color: .category(object.label - 1),
      label: "\(classes[object.label - 1]) " + String(format: "%.2f", object.score))
  }
  let file = URL(fileURLWithPath: folder).appendingPathComponent(Dataset.pictureFileName(for: name))
  try writePicture(picture, to: file.path)
}
