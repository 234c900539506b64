import Foundation

/// Counts that describe a dataset's ground truth, as `regionkit info` prints them.
///
/// Boxes are counted once each, crowd and difficult ones included (they have their own
/// counts). Sizes use the box area `w * h` in pixels, not COCO's segmentation `area`:
/// ``AreaHistogram`` has COCO's evaluation buckets, and ``sideLengthHistogram`` counts boxes
/// by `log2` of the side of the square with the same area.
///
///     let statistics = DatasetStatistics(dataset)
///     print(statistics.boxCount, statistics.areaHistogram.small)
///     for count in statistics.boxesPerCategory { print(count.name, count.boxes) }
public struct DatasetStatistics: Hashable, Sendable, Codable {
  /// Boxes of one category.
  public struct CategoryCount: Hashable, Sendable, Codable {
    /// The dataset's category id.
    public var id: Int
    /// The category's name.
    public var name: String
    /// Its number of boxes (crowd and difficult ones included).
    public var boxes: Int
    /// Its number of images with at least one such box.
    public var images: Int

    /// Creates a count.
    ///
    /// - Parameters:
    ///   - id: The dataset's category id.
    ///   - name: The category's name.
    ///   - boxes: Its number of boxes.
    ///   - images: Its number of images with at least one box.
    public init(id: Int, name: String, boxes: Int, images: Int) {
      self.id = id
      self.name = name
      self.boxes = boxes
      self.images = images
    }
  }

  /// Box counts in COCO's area ranges (box area, square pixels).
  public struct AreaHistogram: Hashable, Sendable, Codable {
    /// `area < 32²`.
    public var small: Int
    /// `32² <= area < 96²`.
    public var medium: Int
    /// `area >= 96²`.
    public var large: Int

    /// Creates a histogram.
    ///
    /// - Parameters:
    ///   - small: Boxes with `area < 32²`.
    ///   - medium: Boxes with `32² <= area < 96²`.
    ///   - large: Boxes with `area >= 96²`.
    public init(small: Int, medium: Int, large: Int) {
      self.small = small
      self.medium = medium
      self.large = large
    }
  }

  /// Number of images.
  public var imageCount: Int
  /// Images without any box.
  public var emptyImageCount: Int
  /// Number of boxes.
  public var boxCount: Int
  /// Boxes marked `iscrowd` (COCO).
  public var crowdCount: Int
  /// Boxes marked `difficult` (VOC).
  public var difficultCount: Int
  /// Counts per category, in label order (`boxesPerCategory[label]`).
  public var boxesPerCategory: [CategoryCount]
  /// Boxes by COCO area range.
  public var areaHistogram: AreaHistogram
  /// `sideLengthHistogram[k]` counts boxes whose side `√(w·h)` is in `[2^k, 2^(k+1))` pixels;
  /// bin 0 also holds sides below 1. Its length is one more than the largest bin used (empty
  /// when there are no boxes).
  public var sideLengthHistogram: [Int]

  /// Computes the statistics of a dataset.
  ///
  /// - Parameter dataset: The dataset; annotations with a label outside its categories are
  ///   counted in the totals but not per category.
  /// - Complexity: O(*n*) in images plus boxes.
  public init(_ dataset: Dataset) {
    imageCount = dataset.images.count
    emptyImageCount = 0
    boxCount = 0
    crowdCount = 0
    difficultCount = 0
    boxesPerCategory = dataset.categories.map {
      CategoryCount(id: $0.id, name: $0.name, boxes: 0, images: 0)
    }
    areaHistogram = AreaHistogram(small: 0, medium: 0, large: 0)
    sideLengthHistogram = []
    var seenInImage = [Bool](repeating: false, count: boxesPerCategory.count)
    for image in dataset.images {
      if image.annotations.isEmpty { emptyImageCount += 1 }
      for index in seenInImage.indices { seenInImage[index] = false }
      for annotation in image.annotations {
        boxCount += 1
        if annotation.isCrowd { crowdCount += 1 }
        if annotation.isDifficult { difficultCount += 1 }
        if boxesPerCategory.indices.contains(annotation.label) {
          boxesPerCategory[annotation.label].boxes += 1
          if !seenInImage[annotation.label] {
            seenInImage[annotation.label] = true
            boxesPerCategory[annotation.label].images += 1
          }
        }
        let area = Double(annotation.box.width) * Double(annotation.box.height)
        if area < 32 * 32 {
          areaHistogram.small += 1
        } else if area < 96 * 96 {
          areaHistogram.medium += 1
        } else {
          areaHistogram.large += 1
        }
        let side = area.squareRoot()
        let bin = side >= 1 ? Int(log2(side).rounded(.down)) : 0
        if sideLengthHistogram.count <= bin {
          sideLengthHistogram += [Int](repeating: 0, count: bin + 1 - sideLengthHistogram.count)
        }
        sideLengthHistogram[bin] += 1
      }
    }
  }
}
