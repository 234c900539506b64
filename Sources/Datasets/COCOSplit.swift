import Foundation

/// One split of a dataset in COCO's own layout: `annotations/instances_<name>.json` and the
/// folder its images are in.
///
///     if case .cocoSplits(_, let splits) = try DatasetLayout.detect(at: coco) {
///       print(splits.map(\.name))  // ["train2017", "val2017"]
///     }
public struct COCOSplit: Hashable, Sendable {
  /// The split's name, `<name>` in `instances_<name>.json` (`"val2017"`).
  public var name: String
  /// The COCO instances JSON of the split.
  public var annotationsFile: URL
  /// The folder the split's `file_name`s are relative to.
  public var imagesDirectory: URL

  /// Creates a split.
  ///
  /// - Parameters:
  ///   - name: The split's name.
  ///   - annotationsFile: Its COCO instances JSON.
  ///   - imagesDirectory: The folder its image file names are relative to.
  public init(name: String, annotationsFile: URL, imagesDirectory: URL) {
    self.name = name
    self.annotationsFile = annotationsFile
    self.imagesDirectory = imagesDirectory
  }
}
