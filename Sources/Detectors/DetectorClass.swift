/// An object class of a detector: its name and the dataset category id it stands for.
///
/// A detector's label `i + 1` is its `classes[i]`; label 0 is background. Detections carry
/// their class, so results can be written with the dataset's own category ids.
///
///     let classes = dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) }
public struct DetectorClass: Sendable, Hashable, Codable {
  /// The class name, e.g. `"raccoon"`.
  public var name: String
  /// The dataset's category id of the class (COCO `category_id`).
  public var categoryID: Int

  /// Creates a class; every parameter is the property of the same name.
  public init(name: String, categoryID: Int) {
    self.name = name
    self.categoryID = categoryID
  }

  /// Classes named `names` with category ids 1, 2, 3, ... (synthetic datasets and tests).
  public static func numbered(_ names: [String]) -> [DetectorClass] {
    names.enumerated().map { DetectorClass(name: $1, categoryID: $0 + 1) }
  }
}
