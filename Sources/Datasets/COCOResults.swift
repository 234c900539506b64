import Boxes
import Foundation

/// Reads and writes COCO detection results: `[{"image_id", "category_id", "bbox", "score"}]`.
///
/// This is the file `pycocotools`' `COCO.loadRes` and Detectron2 read. The writer keeps the
/// key order `image_id, category_id, bbox, score`, puts one detection per line, and prints
/// each number with the fewest digits that read back to the same `Float`; `bbox` is
/// `[x1, y1, x2 - x1, y2 - y1]` with the differences taken in `Double`, so ``read(from:)``
/// gives back the boxes bit for bit.
///
///     try COCOResults.write(detections, to: URL(fileURLWithPath: "out/results.json"))
///     let again = try COCOResults.read(from: URL(fileURLWithPath: "out/results.json"))
///     // again == detections
///
/// Reference: COCO results format, <https://cocodataset.org/#format-results>.
public enum COCOResults {
  private struct Record: Decodable {
    var imageID: Int
    var categoryID: Int
    var bbox: [Double]
    var score: Double

    enum CodingKeys: String, CodingKey {
      case bbox, score
      case imageID = "image_id"
      case categoryID = "category_id"
    }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      imageID = try container.decode(Int.self, forKey: .imageID)
      categoryID = try container.decode(Int.self, forKey: .categoryID)
      let path = container.codingPath + [CodingKeys.bbox]
      guard let numbers = try? container.decode([Double].self, forKey: .bbox), numbers.count == 4
      else {
        if !container.contains(.bbox) {
          throw DecodingError.keyNotFound(
            CodingKeys.bbox, .init(codingPath: container.codingPath, debugDescription: ""))
        }
        throw DecodingError.dataCorrupted(
          .init(codingPath: path, debugDescription: "expected 4 numbers"))
      }
      bbox = numbers
      score = try container.decode(Double.self, forKey: .score)
    }
  }

  /// The JSON text of detections.
  ///
  /// - Parameter detections: The detections, written in this order.
  /// - Returns: UTF-8 JSON: an array with one object per line, ending with a newline.
  /// - Throws: ``DatasetsError/nonFiniteDetection(index:)`` when a box or score is NaN or
  ///   infinite (JSON cannot hold them).
  /// - Complexity: O(*n*).
  public static func encode(_ detections: [Detection]) throws -> Data {
    var text = "["
    text.reserveCapacity(detections.count * 96 + 4)
    for (index, detection) in detections.enumerated() {
      let box = detection.box
      guard box.isFinite, detection.score.isFinite else {
        throw DatasetsError.nonFiniteDetection(index: index)
      }
      let width = Double(box.x2) - Double(box.x1)
      let height = Double(box.y2) - Double(box.y1)
      text += index == 0 ? "\n" : ",\n"
      text += "{\"image_id\": \(detection.imageID), \"category_id\": \(detection.categoryID), "
      text +=
        "\"bbox\": [\(number(box.x1)), \(number(box.y1)), \(number(width)), \(number(height))], "
      text += "\"score\": \(number(detection.score))}"
    }
    text += detections.isEmpty ? "]\n" : "\n]\n"
    return Data(text.utf8)
  }

  /// Writes detections to a file, replacing it atomically.
  ///
  /// - Parameters:
  ///   - detections: The detections, written in this order.
  ///   - url: The file to write.
  /// - Throws: ``DatasetsError/nonFiniteDetection(index:)``, or
  ///   ``DatasetsError/unreadableFile(_:reason:)`` when the file cannot be written.
  public static func write(_ detections: [Detection], to url: URL) throws {
    let data = try encode(detections)
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw DatasetsError.unreadableFile(url, reason: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Detections from JSON text.
  ///
  /// - Parameters:
  ///   - data: A COCO results JSON array. Extra keys (`segmentation`, `area`) are ignored.
  ///   - file: The name used in errors. Default: `"results.json"`.
  /// - Returns: The detections in file order.
  /// - Throws: ``DatasetsError/invalidJSON(file:message:line:column:)`` or
  ///   ``DatasetsError/malformedJSON(file:path:problem:)`` (e.g. `[3].bbox: expected 4 numbers`).
  /// - Complexity: O(*n*).
  public static func decode(_ data: Data, file: String = "results.json") throws -> [Detection] {
    let records: [Record]
    do {
      records = try JSONDecoder().decode([Record].self, from: data)
    } catch {
      throw JSONDecodingFailure.datasetsError(error, file: file, data: data)
    }
    return records.map {
      Detection(
        imageID: $0.imageID, box: Box(cocoXYWH: $0.bbox), categoryID: $0.categoryID,
        score: Float($0.score))
    }
  }

  /// Reads a COCO results file.
  ///
  /// - Parameter url: The JSON file.
  /// - Returns: The detections in file order.
  /// - Throws: ``DatasetsError`` naming the file and the position of the problem.
  public static func read(from url: URL) throws -> [Detection] {
    try decode(COCOInstancesReader.readData(url), file: url.lastPathComponent)
  }

  /// Shortest text that reads back to the same value: integers without a decimal point.
  private static func number<Value: BinaryFloatingPoint & LosslessStringConvertible>(
    _ value: Value
  ) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
      return String(Int64(value))
    }
    return value.description
  }
}
