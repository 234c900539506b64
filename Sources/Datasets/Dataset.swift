import Boxes
import Foundation

/// An object category of a dataset.
///
/// Datasets name categories by their own ids (COCO's run from 1 to 90 with gaps); detectors
/// want contiguous class indices. Each category carries both: `label` is its position when
/// the categories are sorted by ascending `id`.
///
///     let dog = Category(id: 18, label: 16, name: "dog")
public struct Category: Hashable, Sendable, Codable {
  /// The dataset's own id (COCO ids are 1...90 with gaps; VOC gets 1...n in name order).
  public var id: Int
  /// Contiguous label `0..<categories.count`, in ascending `id` order.
  public var label: Int
  /// Human-readable name, e.g. `"dog"`.
  public var name: String

  /// Creates a category.
  ///
  /// - Parameters:
  ///   - id: The dataset's category id.
  ///   - label: The contiguous label, its index in ``Dataset/categories``.
  ///   - name: The category's name.
  public init(id: Int, label: Int, name: String) {
    self.id = id
    self.label = label
    self.name = name
  }
}

/// One ground-truth object.
///
/// The box is already converted to RegionKit's pixel-edge convention (see `Box` in the Boxes module),
/// clipped to the image and non-degenerate: the readers drop the others with a
/// ``DatasetWarning``.
///
///     let cat = Annotation(box: Box(x: 10, y: 20, width: 30, height: 40), label: 0, categoryID: 17)
public struct Annotation: Hashable, Sendable {
  /// The object's box in pixel-edge coordinates (see `Box` in the Boxes module).
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
  /// COCO `area`, in square pixels: the area of the object's segmentation mask, which is
  /// smaller than its box area for most objects. `nil` when the source has none (VOC, folders,
  /// COCO files without the key). COCO evaluation sorts objects into small, medium and large
  /// by this value and falls back to ``box``'s area when it is `nil`.
  public var area: Float?

  /// Creates an annotation.
  ///
  /// - Parameters:
  ///   - box: The object's box, in pixels.
  ///   - label: The contiguous label of its category.
  ///   - categoryID: The dataset's id of its category.
  ///   - isCrowd: COCO `iscrowd`. Default: `false`.
  ///   - isDifficult: Pascal VOC `difficult`. Default: `false`.
  ///   - id: The source's annotation id. Default: `nil`.
  ///   - area: COCO `area`, in square pixels. Default: `nil`.
  public init(
    box: Box, label: Int, categoryID: Int, isCrowd: Bool = false, isDifficult: Bool = false,
    id: Int? = nil, area: Float? = nil
  ) {
    self.box = box
    self.label = label
    self.categoryID = categoryID
    self.isCrowd = isCrowd
    self.isDifficult = isDifficult
    self.id = id
    self.area = area
  }
}

/// One image of a dataset and its ground truth.
///
///     let image = DatasetImage(id: 1, fileName: "raccoon-1.jpg", width: 650, height: 417,
///                              annotations: [])
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

  /// Creates an image record.
  ///
  /// - Parameters:
  ///   - id: The dataset's image id.
  ///   - fileName: The file name relative to the images directory.
  ///   - width: Width, in pixels.
  ///   - height: Height, in pixels.
  ///   - annotations: Its ground-truth objects.
  public init(id: Int, fileName: String, width: Int, height: Int, annotations: [Annotation]) {
    self.id = id
    self.fileName = fileName
    self.width = width
    self.height = height
    self.annotations = annotations
  }
}

/// A set of images with optional ground truth, read from COCO JSON, Pascal VOC XML or a folder.
///
/// ``load(from:split:)`` recognises the layout of a folder (see <doc:DatasetLayouts>) and
/// reads it. Problems that do not stop reading (a box outside its image, an annotation of an
/// unknown image) are returned in ``warnings``, never printed.
///
///     let dataset = try Dataset.load(from: URL(fileURLWithPath: "data/coco-tiny"))
///     for warning in dataset.warnings { print(warning) }
///     for image in dataset.images {
///       let url = dataset.url(of: image)
///       // image.annotations[i].box, .label, .isCrowd ...
///     }
public struct Dataset: Sendable {
  /// What the dataset was read from.
  public enum Format: String, Sendable, Codable, CaseIterable {
    /// COCO instances JSON (`annotations.json` + `images/`, or
    /// `annotations/instances_<split>.json` + `<split>/`).
    case coco
    /// Pascal VOC XML, one file per image (`annotations/` + `images/`, or VOC's
    /// `Annotations/` + `JPEGImages/`).
    case voc
    /// A plain folder of images without ground truth.
    case folder
  }

  /// The format it was read from.
  public var format: Format
  /// The folder the image file names are relative to.
  public var imagesDirectory: URL
  /// Categories sorted by id; `categories[i].label == i`.
  public var categories: [Category]
  /// Images in the order of the source (COCO: as listed; VOC and folders: by file name).
  public var images: [DatasetImage]
  /// Problems found while reading that did not stop it, in source order (see ``DatasetWarning``).
  public var warnings: [DatasetWarning]

  /// Creates a dataset from its parts.
  ///
  /// - Parameters:
  ///   - format: The format it was read from.
  ///   - imagesDirectory: The folder image file names are relative to.
  ///   - categories: Categories sorted by id, with `categories[i].label == i`.
  ///   - images: The images and their ground truth.
  ///   - warnings: Problems found while reading. Default: none.
  public init(
    format: Format, imagesDirectory: URL, categories: [Category], images: [DatasetImage],
    warnings: [DatasetWarning] = []
  ) {
    self.format = format
    self.imagesDirectory = imagesDirectory
    self.categories = categories
    self.images = images
    self.warnings = warnings
  }

  /// The file URL of an image.
  ///
  /// - Parameter image: One of ``images``.
  /// - Returns: ``imagesDirectory`` joined with the image's file name.
  public func url(of image: DatasetImage) -> URL {
    imagesDirectory.appendingPathComponent(image.fileName)
  }

  /// The dataset's category id of a contiguous label.
  ///
  /// - Parameter label: A label in `0..<categories.count`.
  /// - Returns: `categories[label].id`, or `nil` when `label` is out of range.
  /// - Complexity: O(1).
  public func categoryID(forLabel label: Int) -> Int? {
    categories.indices.contains(label) ? categories[label].id : nil
  }

  /// The contiguous label of a dataset's category id.
  ///
  /// - Parameter categoryID: A category id of the dataset.
  /// - Returns: The label of that category, or `nil` when no category has that id.
  /// - Complexity: O(log *c*) for *c* categories (they are sorted by id).
  public func label(forCategoryID categoryID: Int) -> Int? {
    var low = 0
    var high = categories.count
    while low < high {
      let middle = (low + high) / 2
      if categories[middle].id < categoryID { low = middle + 1 } else { high = middle }
    }
    return low < categories.count && categories[low].id == categoryID ? categories[low].label : nil
  }
}
