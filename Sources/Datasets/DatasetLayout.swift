import Foundation

/// Where a dataset's annotations and images are, recognised from a folder's contents.
///
/// ``detect(at:)`` looks, in this order, for:
/// 1. a `.json` file given directly, or `annotations.json` in the folder → COCO, images in
///    `images/` next to the JSON;
/// 2. `Annotations/` with `.xml` files → Pascal VOC, images in `JPEGImages/` (or `images/`),
///    splits in `ImageSets/Main/`;
/// 3. `annotations/` with `.xml` files → Pascal VOC (LabelImg, raccoon), images in `images/`;
/// 4. a folder holding image files (or an `images/` folder holding them) → a plain folder of
///    images without annotations, read by `FolderReader`.
///
/// Anything else throws ``DatasetsError/unrecognizedLayout(_:)``.
///
///     let layout = try DatasetLayout.detect(at: URL(fileURLWithPath: "data/raccoon"))
///     let dataset = try layout.load()
public enum DatasetLayout: Hashable, Sendable {
  /// COCO instances JSON and the folder its `file_name`s are relative to.
  case coco(annotationsFile: URL, imagesDirectory: URL)
  /// Pascal VOC XML files, their images, and VOC's `ImageSets/Main/` folder when present.
  case voc(annotationsDirectory: URL, imagesDirectory: URL, imageSetsDirectory: URL?)
  /// A plain folder of images without annotations (`images/` inside it, or the folder itself).
  case folder(imagesDirectory: URL)

  /// The format this layout holds.
  public var format: Dataset.Format {
    switch self {
    case .coco: return .coco
    case .voc: return .voc
    case .folder: return .folder
    }
  }

  /// Recognises the layout of a dataset folder (or a COCO `.json` file).
  ///
  /// - Parameter url: A dataset folder, or a COCO JSON file whose images are in `images/` next
  ///   to it.
  /// - Returns: The layout found.
  /// - Throws: ``DatasetsError/fileNotFound(_:)`` when `url` does not exist,
  ///   ``DatasetsError/unrecognizedLayout(_:)`` when it is neither COCO nor VOC.
  /// - Complexity: Lists at most two folders.
  public static func detect(at url: URL) throws -> DatasetLayout {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw DatasetsError.fileNotFound(url)
    }
    if !isDirectory.boolValue {
      guard url.pathExtension.lowercased() == "json" else {
        throw DatasetsError.unrecognizedLayout(url)
      }
      return .coco(
        annotationsFile: url,
        imagesDirectory: url.deletingLastPathComponent().appendingPathComponent("images"))
    }
    let json = url.appendingPathComponent("annotations.json")
    if manager.fileExists(atPath: json.path) {
      return .coco(annotationsFile: json, imagesDirectory: url.appendingPathComponent("images"))
    }
    for (annotations, images) in [("Annotations", "JPEGImages"), ("annotations", "images")] {
      let directory = url.appendingPathComponent(annotations)
      guard isDirectoryOfXML(directory) else { continue }
      var imagesDirectory = url.appendingPathComponent(images)
      if !manager.fileExists(atPath: imagesDirectory.path) {
        // macOS folds case: `Annotations` also finds a raccoon-style `annotations/`.
        let other = url.appendingPathComponent(images == "images" ? "JPEGImages" : "images")
        if manager.fileExists(atPath: other.path) { imagesDirectory = other }
      }
      let imageSets = url.appendingPathComponent("ImageSets/Main")
      return .voc(
        annotationsDirectory: directory, imagesDirectory: imagesDirectory,
        imageSetsDirectory: manager.fileExists(atPath: imageSets.path) ? imageSets : nil)
    }
    for candidate in [url.appendingPathComponent("images"), url]
    where FolderReader.containsImages(candidate) {
      return .folder(imagesDirectory: candidate)
    }
    throw DatasetsError.unrecognizedLayout(url)
  }

  /// Reads the dataset this layout points at.
  ///
  /// - Parameter split: A Pascal VOC split name, read from `ImageSets/Main/<split>.txt`
  ///   (`"train"`, `"val"`, `"trainval"`, `"test"`). Default: `nil`, every annotation file.
  /// - Returns: The dataset, with ``Dataset/warnings`` for boxes clipped or dropped.
  /// - Throws: ``DatasetsError`` naming the file and position of the first malformed input;
  ///   ``DatasetsError/splitNotFound(split:file:)`` when a split is asked of COCO or is absent.
  /// - Complexity: O(*n*) in the size of the annotation files.
  public func load(split: String? = nil) throws -> Dataset {
    switch self {
    case .coco(let annotationsFile, let imagesDirectory):
      if let split { throw DatasetsError.splitNotFound(split: split, file: annotationsFile) }
      return try COCOInstancesReader.read(
        annotationsFile: annotationsFile, imagesDirectory: imagesDirectory)
    case .voc(let annotationsDirectory, let imagesDirectory, let imageSetsDirectory):
      var splitFile: URL?
      if let split {
        let base =
          imageSetsDirectory
          ?? annotationsDirectory.deletingLastPathComponent().appendingPathComponent(
            "ImageSets/Main")
        splitFile = base.appendingPathComponent(split + ".txt")
      }
      return try VOCReader.read(
        annotationsDirectory: annotationsDirectory, imagesDirectory: imagesDirectory,
        splitFile: splitFile, split: split)
    case .folder(let imagesDirectory):
      if let split { throw DatasetsError.splitNotFound(split: split, file: imagesDirectory) }
      return try FolderReader.read(imagesDirectory: imagesDirectory)
    }
  }

  private static func isDirectoryOfXML(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      isDirectory.boolValue,
      let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
    else { return false }
    return names.contains { $0.lowercased().hasSuffix(".xml") }
  }
}
