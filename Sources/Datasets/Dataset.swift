import Boxes
import Foundation

/// An object category of a dataset.
public struct Category: Hashable, Sendable, Codable {
  /// The dataset's own id (COCO ids are 1...90 with gaps; VOC gets 1...n in name order).
  public var id: Int
  /// Contiguous label `0..<categories.count`, in ascending `id` order.
  public var label: Int
  /// Human-readable name, e.g. `"dog"`.
  public var name: String

  public init(id: Int, label: Int, name: String) {
    self.id = id
    self.label = label
    self.name = name
  }
}

/// One ground-truth object.
public struct Annotation: Hashable, Sendable {
  /// The object's box in pixel-edge coordinates (see ``Boxes/Box``).
  public var box: Box
  /// The contiguous label of its ``Category``.
  public var label: Int
  /// The dataset's category id.
  public var categoryID: Int
  /// COCO `iscrowd`: the box covers a crowd of objects. Ignored by evaluation by default.
  public var isCrowd: Bool
  /// Pascal VOC `difficult`. Ignored by evaluation by default.
  public var isDifficult: Bool
  /// COCO annotation id, when the source has one.
  public var id: Int?

  public init(
    box: Box, label: Int, categoryID: Int, isCrowd: Bool = false, isDifficult: Bool = false,
    id: Int? = nil
  ) {
    self.box = box
    self.label = label
    self.categoryID = categoryID
    self.isCrowd = isCrowd
    self.isDifficult = isDifficult
    self.id = id
  }
}

/// One image of a dataset and its ground truth.
public struct DatasetImage: Hashable, Sendable {
  /// The dataset's image id (COCO `id`; 1-based position for VOC and folders).
  public var id: Int
  /// File name relative to ``Dataset/imagesDirectory`` (the `"image"` key of proposal files).
  public var fileName: String
  /// Width in pixels as the annotation declares it.
  public var width: Int
  /// Height in pixels as the annotation declares it.
  public var height: Int
  /// Ground-truth objects (empty for a plain folder of images).
  public var annotations: [Annotation]

  public init(id: Int, fileName: String, width: Int, height: Int, annotations: [Annotation]) {
    self.id = id
    self.fileName = fileName
    self.width = width
    self.height = height
    self.annotations = annotations
  }
}

/// A set of images with optional ground truth, read from COCO JSON, Pascal VOC XML or a folder.
public struct Dataset: Sendable {
  /// What the dataset was read from.
  public enum Format: String, Sendable, Codable {
    case coco, voc, folder
  }

  /// The format it was read from.
  public var format: Format
  /// The folder the image file names are relative to.
  public var imagesDirectory: URL
  /// Categories sorted by id; `categories[i].label == i`.
  public var categories: [Category]
  /// Images in the order of the source (COCO: as listed; VOC and folders: by file name).
  public var images: [DatasetImage]

  public init(format: Format, imagesDirectory: URL, categories: [Category], images: [DatasetImage]) {
    self.format = format
    self.imagesDirectory = imagesDirectory
    self.categories = categories
    self.images = images
  }

  /// The file URL of an image.
  public func url(of image: DatasetImage) -> URL {
    imagesDirectory.appendingPathComponent(image.fileName)
  }
}
