import Boxes
import Foundation
import Imaging

/// Writes generated images and their integer-pixel boxes as a COCO dataset: shared by
/// ``SyntheticShapes`` and ``SyntheticScenes``.
struct SyntheticCOCOWriter {
  /// Category names; category `i` has COCO id `i + 1`.
  var classNames: [String]
  var width: Int
  var height: Int

  /// Writes `directory/images/NNNNNN.png` for `0..<count` and `directory/annotations.json`.
  ///
  /// - Parameters:
  ///   - count: Number of images.
  ///   - directory: The dataset folder, created when missing; existing files are overwritten.
  ///   - sample: Image `index` and its objects as (class index, box with integer corners).
  /// - Returns: The dataset as ``Dataset/load(from:split:)`` reads it back.
  /// - Throws: ``DatasetsError/unreadableFile(_:reason:)`` when a file cannot be written.
  func write(
    count: Int, to directory: URL, sample: (Int) -> (Image, [(label: Int, box: Box)])
  ) throws -> Dataset {
    let imagesDirectory = directory.appendingPathComponent("images")
    do {
      try FileManager.default.createDirectory(
        at: imagesDirectory, withIntermediateDirectories: true)
    } catch {
      throw DatasetsError.unreadableFile(
        imagesDirectory, reason: "cannot create: \(error.localizedDescription)")
    }
    var images: [DatasetImage] = []
    var imageRecords: [String] = []
    var annotationRecords: [String] = []
    var annotationID = 0
    for index in 0..<count {
      let (image, objects) = sample(index)
      let fileName = String(format: "%06d.png", index)
      let url = imagesDirectory.appendingPathComponent(fileName)
      do {
        try image.write(to: url, as: .png)
      } catch {
        throw DatasetsError.unreadableFile(url, reason: "cannot write: \(error)")
      }
      var annotations: [Annotation] = []
      for (label, box) in objects {
        annotationID += 1
        annotations.append(
          Annotation(
            box: box, label: label, categoryID: label + 1, id: annotationID, area: box.area))
        annotationRecords.append(
          "{\"id\": \(annotationID), \"image_id\": \(index + 1), \"category_id\": \(label + 1), "
            + "\"bbox\": [\(Int(box.x1)), \(Int(box.y1)), \(Int(box.width)), \(Int(box.height))], "
            + "\"area\": \(Int(box.area)), \"iscrowd\": 0}")
      }
      images.append(
        DatasetImage(
          id: index + 1, fileName: fileName, width: width, height: height,
          annotations: annotations))
      imageRecords.append(
        "{\"id\": \(index + 1), \"file_name\": \"\(fileName)\", \"width\": \(width), "
          + "\"height\": \(height)}")
    }
    let categories = classNames.enumerated().map {
      Category(id: $0.offset + 1, label: $0.offset, name: $0.element)
    }
    let categoryRecords = categories.map {
      "{\"id\": \($0.id), \"name\": \"\($0.name)\", \"supercategory\": \"shape\"}"
    }
    let json =
      "{\n\"images\": [\n" + imageRecords.joined(separator: ",\n") + "\n],\n\"annotations\": [\n"
      + annotationRecords.joined(separator: ",\n") + "\n],\n\"categories\": [\n"
      + categoryRecords.joined(separator: ",\n") + "\n]\n}\n"
    let annotationsURL = directory.appendingPathComponent("annotations.json")
    do {
      try Data(json.utf8).write(to: annotationsURL, options: .atomic)
    } catch {
      throw DatasetsError.unreadableFile(
        annotationsURL, reason: "cannot write: \(error.localizedDescription)")
    }
    return Dataset(
      format: .coco, imagesDirectory: imagesDirectory, categories: categories, images: images)
  }
}
