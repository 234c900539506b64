import Boxes

/// One scored detection of a category in an image: an entry of a COCO results file.
///
/// Detections name their category by the dataset's id, as COCO results do, so a results
/// file can be read without the dataset. Detectors that work with contiguous labels convert
/// through the dataset's categories:
///
///     let detection = try Detection(imageID: image.id, box: box, label: 16, score: 0.93,
///                                   categories: dataset.categories)
///     detection.categoryID      // 18 ("dog" in COCO)
public struct Detection: Hashable, Sendable {
  /// The dataset's image id (COCO `image_id`).
  public var imageID: Int
  /// The detected box in pixel-edge coordinates.
  public var box: Box
  /// The dataset's category id (COCO `category_id`).
  public var categoryID: Int
  /// Confidence; higher is more confident. No range is imposed.
  public var score: Float

  /// Creates a detection from a category id.
  ///
  /// - Parameters:
  ///   - imageID: The dataset's image id.
  ///   - box: The box, in pixels.
  ///   - categoryID: The dataset's category id.
  ///   - score: Confidence.
  public init(imageID: Int, box: Box, categoryID: Int, score: Float) {
    self.imageID = imageID
    self.box = box
    self.categoryID = categoryID
    self.score = score
  }

  /// Creates a detection from a contiguous label.
  ///
  /// - Parameters:
  ///   - imageID: The dataset's image id.
  ///   - box: The box, in pixels.
  ///   - label: A label in `0..<categories.count`.
  ///   - score: Confidence.
  ///   - categories: The dataset's categories (``Dataset/categories``), whose `label`th entry
  ///     gives the category id.
  /// - Throws: ``DatasetsError/labelOutOfRange(label:categoryCount:)``.
  public init(imageID: Int, box: Box, label: Int, score: Float, categories: [Category]) throws {
    guard categories.indices.contains(label) else {
      throw DatasetsError.labelOutOfRange(label: label, categoryCount: categories.count)
    }
    self.init(imageID: imageID, box: box, categoryID: categories[label].id, score: score)
  }

  /// The contiguous label of this detection's category.
  ///
  /// - Parameter dataset: The dataset the detection refers to.
  /// - Returns: The label, or `nil` when the dataset has no category with ``categoryID``.
  /// - Complexity: O(log *c*) for *c* categories.
  public func label(in dataset: Dataset) -> Int? {
    dataset.label(forCategoryID: categoryID)
  }
}
