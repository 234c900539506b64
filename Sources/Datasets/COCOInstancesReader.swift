import Boxes
import Foundation

/// Reads a COCO instances JSON (`images`, `annotations`, `categories`) into a ``Dataset``.
///
/// Decodes with `JSONDecoder` into structs that name only the keys RegionKit uses, so
/// `segmentation` (polygons or RLE), `info` and `licenses` are skipped unparsed; `area` is kept
/// in ``Annotation/area`` for COCO evaluation's size ranges.
/// Category ids are mapped to contiguous labels in ascending id order. `bbox` `[x, y, w, h]`
/// becomes `Box(x1: x, y1: y, x2: x + w, y2: y + h)` with the sums taken in `Double` (so a
/// box written by ``COCOResults`` reads back bit for bit), then goes through the checks of
/// ``DatasetWarning``.
///
/// Policy: a duplicated image or category id is an error (ids would be ambiguous); an
/// annotation whose `image_id` or `category_id` is unknown is dropped with a warning, as is
/// one without `bbox`.
enum COCOInstancesReader {
  struct File: Decodable {
    var images: [Image]
    var annotations: [AnnotationRecord]?
    var categories: [CategoryRecord]?
  }

  struct Image: Decodable {
    var id: Int
    var fileName: String
    var width: Int
    var height: Int

    enum CodingKeys: String, CodingKey {
      case id, width, height
      case fileName = "file_name"
    }
  }

  struct CategoryRecord: Decodable {
    var id: Int
    var name: String
  }

  struct AnnotationRecord: Decodable {
    var id: Int?
    var imageID: Int
    var categoryID: Int
    var bbox: [Double]?
    var isCrowd: Bool
    var area: Double?

    enum CodingKeys: String, CodingKey {
      case id, bbox, iscrowd, area
      case imageID = "image_id"
      case categoryID = "category_id"
    }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      id = try container.decodeIfPresent(Int.self, forKey: .id)
      imageID = try container.decode(Int.self, forKey: .imageID)
      categoryID = try container.decode(Int.self, forKey: .categoryID)
      bbox = try Self.decodeBox(container)
      area = try container.decodeIfPresent(Double.self, forKey: .area)
      // COCO writes 0/1; some tools write true/false.
      if let flag = try? container.decodeIfPresent(Int.self, forKey: .iscrowd) {
        isCrowd = flag != 0
      } else {
        isCrowd = try container.decodeIfPresent(Bool.self, forKey: .iscrowd) ?? false
      }
    }

    static func decodeBox(_ container: KeyedDecodingContainer<CodingKeys>) throws -> [Double]? {
      guard container.contains(.bbox), try !container.decodeNil(forKey: .bbox) else { return nil }
      let path = container.codingPath + [CodingKeys.bbox]
      let numbers: [Double]
      do {
        numbers = try container.decode([Double].self, forKey: .bbox)
      } catch DecodingError.typeMismatch {
        throw DecodingError.dataCorrupted(
          .init(codingPath: path, debugDescription: "expected 4 numbers"))
      } catch DecodingError.valueNotFound {
        throw DecodingError.dataCorrupted(
          .init(codingPath: path, debugDescription: "expected 4 numbers"))
      }
      guard numbers.count == 4 else {
        throw DecodingError.dataCorrupted(
          .init(codingPath: path, debugDescription: "expected 4 numbers, found \(numbers.count)"))
      }
      return numbers
    }
  }

  /// Reads `annotationsFile`; image file names are relative to `imagesDirectory`.
  static func read(annotationsFile: URL, imagesDirectory: URL) throws -> Dataset {
    let name = annotationsFile.lastPathComponent
    let data = try readData(annotationsFile)
    let file: File
    do {
      file = try JSONDecoder().decode(File.self, from: data)
    } catch {
      throw JSONDecodingFailure.datasetsError(error, file: name, data: data)
    }
    return try makeDataset(file, name: name, imagesDirectory: imagesDirectory)
  }

  static func makeDataset(_ file: File, name: String, imagesDirectory: URL) throws -> Dataset {
    // Categories: sorted by id, labels 0..<n.
    let records = (file.categories ?? []).enumerated().sorted { $0.element.id < $1.element.id }
    var categories: [Category] = []
    categories.reserveCapacity(records.count)
    var labelOfCategory: [Int: Int] = [:]
    for (index, record) in records {
      if labelOfCategory[record.id] != nil {
        throw DatasetsError.duplicateID(file: name, field: "categories[\(index)].id", id: record.id)
      }
      labelOfCategory[record.id] = categories.count
      categories.append(Category(id: record.id, label: categories.count, name: record.name))
    }

    var images: [DatasetImage] = []
    images.reserveCapacity(file.images.count)
    var positionOfImage: [Int: Int] = [:]
    for (index, image) in file.images.enumerated() {
      if positionOfImage[image.id] != nil {
        throw DatasetsError.duplicateID(file: name, field: "images[\(index)].id", id: image.id)
      }
      guard image.width > 0 else {
        throw DatasetsError.invalidValue(
          file: name, field: "images[\(index)].width", value: String(image.width))
      }
      guard image.height > 0 else {
        throw DatasetsError.invalidValue(
          file: name, field: "images[\(index)].height", value: String(image.height))
      }
      try ImageFileNameCheck.checkInside(
        image.fileName, field: "images[\(index)].file_name", file: name)
      positionOfImage[image.id] = images.count
      images.append(
        DatasetImage(
          id: image.id, fileName: image.fileName, width: image.width, height: image.height,
          annotations: []))
    }

    try ImageFileNameCheck.checkDistinct(
      images.indices.map { ("images[\($0)].file_name", images[$0].fileName) }, file: name)

    var warnings: [DatasetWarning] = []
    for (index, record) in (file.annotations ?? []).enumerated() {
      func warn(_ problem: DatasetWarning.Problem) {
        warnings.append(
          DatasetWarning(
            file: name, imageID: record.imageID, annotationIndex: index, annotationID: record.id,
            problem: problem))
      }
      guard let position = positionOfImage[record.imageID] else {
        warn(.unknownImage(id: record.imageID))
        continue
      }
      guard let label = labelOfCategory[record.categoryID] else {
        warn(.unknownCategory(id: record.categoryID))
        continue
      }
      guard let bbox = record.bbox else {
        warn(.missingBox)
        continue
      }
      let box = Box(cocoXYWH: bbox)
      let image = images[position]
      let (kept, problems) = BoxValidation.check(
        box, imageWidth: image.width, imageHeight: image.height)
      problems.forEach(warn)
      guard let kept else { continue }
      images[position].annotations.append(
        Annotation(
          box: kept, label: label, categoryID: record.categoryID, isCrowd: record.isCrowd,
          id: record.id, area: record.area.map { Float($0) }))
    }
    return Dataset(
      format: .coco, imagesDirectory: imagesDirectory, categories: categories, images: images,
      warnings: warnings)
  }

  /// The file's bytes, or a typed error naming it.
  static func readData(_ url: URL) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw DatasetsError.fileNotFound(url)
    }
    guard !isDirectory.boolValue else {
      throw DatasetsError.unreadableFile(url, reason: "it is a folder")
    }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw DatasetsError.unreadableFile(url, reason: error.localizedDescription)
    }
  }
}
