import Foundation

/// Where a dataset's annotations and images are, recognised from a folder's contents by
/// ``detect(at:)`` (COCO, COCO's own `annotations/instances_<split>.json` layout, Pascal VOC,
/// or a plain folder of images), or given separately with ``init(annotations:images:)``.
///
///     let layout = try DatasetLayout.detect(at: URL(fileURLWithPath: "data/raccoon"))
///     let dataset = try layout.load()
public enum DatasetLayout: Hashable, Sendable {
  /// COCO instances JSON and the folder its `file_name`s are relative to.
  case coco(annotationsFile: URL, imagesDirectory: URL)
  /// COCO's own layout: the dataset folder and its splits (`annotations/instances_<split>.json`
  /// each), sorted by name.
  case cocoSplits(folder: URL, splits: [COCOSplit])
  /// Pascal VOC XML files, their images, and VOC's `ImageSets/Main/` folder when present.
  case voc(annotationsDirectory: URL, imagesDirectory: URL, imageSetsDirectory: URL?)
  /// A plain folder of images without annotations (`images/` inside it, or the folder itself).
  case folder(imagesDirectory: URL)

  /// The format this layout holds.
  public var format: Dataset.Format {
    switch self {
    case .coco, .cocoSplits: return .coco
    case .voc: return .voc
    case .folder: return .folder
    }
  }

  /// Recognises the layout of a dataset folder (or a COCO `.json` file).
  ///
  /// Looks, in this order, for:
  /// 1. a `.json` file given directly → ``coco(annotationsFile:imagesDirectory:)``, images in
  ///    `images/` next to the JSON; for COCO's `annotations/instances_<split>.json` without
  ///    such a folder, the split's image folder as in 3;
  /// 2. `annotations.json` in the folder → ``coco(annotationsFile:imagesDirectory:)``, images
  ///    in `images/`;
  /// 3. `annotations/instances_<split>.json`, one file per split →
  ///    ``cocoSplits(folder:splits:)``, COCO's own layout: `annotations/instances_val2017.json`
  ///    with images in `val2017/`. The images of a split are in `<split>/`, else
  ///    `images/<split>/`, else `images/` when it holds image files (CVAT's
  ///    `instances_default.json` with `images/`). ``load(split:)`` reads the split asked for,
  ///    or the only one;
  /// 4. `Annotations/` with `.xml` files → Pascal VOC,
  ///    ``voc(annotationsDirectory:imagesDirectory:imageSetsDirectory:)``, images in
  ///    `JPEGImages/` (or `images/`), splits in `ImageSets/Main/`;
  /// 5. `annotations/` with `.xml` files → Pascal VOC (LabelImg, raccoon), images in `images/`;
  /// 6. a folder holding image files (or an `images/` folder holding them) →
  ///    ``folder(imagesDirectory:)``, images without annotations.
  ///
  /// - Parameter url: A dataset folder, or a COCO JSON file.
  /// - Returns: The first layout found.
  /// - Throws: ``DatasetsError/fileNotFound(_:)`` when `url` does not exist,
  ///   ``DatasetsError/unrecognizedLayout(_:)`` when it is in none of these layouts.
  /// - Complexity: Lists only the folder and its `annotations/` (or `Annotations/`) and
  ///   `images/` folders.
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
      return .coco(annotationsFile: url, imagesDirectory: imagesDirectory(ofJSON: url))
    }
    let json = url.appendingPathComponent("annotations.json")
    if manager.fileExists(atPath: json.path) {
      return .coco(annotationsFile: json, imagesDirectory: url.appendingPathComponent("images"))
    }
    let splits = cocoSplits(in: url)
    if !splits.isEmpty { return .cocoSplits(folder: url, splits: splits) }
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

  /// The layout of annotations and images given separately, as a command line's
  /// `--annotations FILE --images DIR`.
  ///
  ///     let layout = try DatasetLayout(
  ///       annotations: URL(fileURLWithPath: "coco/annotations/instances_val2017.json"),
  ///       images: URL(fileURLWithPath: "coco/val2017"))
  ///
  /// - Parameters:
  ///   - annotations: A COCO instances JSON file, or a folder of Pascal VOC `.xml` files (its
  ///     splits, if any, in `ImageSets/Main/` next to it).
  ///   - images: The folder the annotations' image file names are relative to.
  /// - Throws: ``DatasetsError/fileNotFound(_:)`` when either does not exist,
  ///   ``DatasetsError/unreadableFile(_:reason:)`` when `images` is not a folder,
  ///   ``DatasetsError/unrecognizedLayout(_:)`` when `annotations` is a folder without `.xml`
  ///   files.
  public init(annotations: URL, images: URL) throws {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: annotations.path, isDirectory: &isDirectory) else {
      throw DatasetsError.fileNotFound(annotations)
    }
    let annotationsIsDirectory = isDirectory.boolValue
    guard manager.fileExists(atPath: images.path, isDirectory: &isDirectory) else {
      throw DatasetsError.fileNotFound(images)
    }
    guard isDirectory.boolValue else {
      throw DatasetsError.unreadableFile(
        images, reason: "it is a file; the images must be given as a folder")
    }
    guard annotationsIsDirectory else {
      self = .coco(annotationsFile: annotations, imagesDirectory: images)
      return
    }
    guard Self.isDirectoryOfXML(annotations) else {
      throw DatasetsError.unrecognizedLayout(annotations)
    }
    let imageSets = annotations.deletingLastPathComponent()
      .appendingPathComponent("ImageSets/Main")
    self = .voc(
      annotationsDirectory: annotations, imagesDirectory: images,
      imageSetsDirectory: manager.fileExists(atPath: imageSets.path) ? imageSets : nil)
  }

  /// Reads the dataset this layout points at.
  ///
  /// - Parameter split: The split to read. Pascal VOC: a name of `ImageSets/Main/<split>.txt`
  ///   (`"train"`, `"val"`, `"trainval"`, `"test"`, `"dog_val"`). COCO's own layout: a name
  ///   of `annotations/instances_<split>.json` (`"val2017"`). Default: `nil`, every VOC
  ///   annotation file, or the only COCO split.
  /// - Returns: The dataset, with ``Dataset/warnings`` for boxes clipped or dropped.
  /// - Throws: ``DatasetsError`` naming the file and position of the first malformed input;
  ///   ``DatasetsError/splitNotFound(split:file:available:)`` when the split does not exist
  ///   (with the splits that do) or is asked of a layout without splits;
  ///   ``DatasetsError/splitRequired(folder:available:)`` when no split is given and the
  ///   COCO layout has several.
  /// - Complexity: O(*n*) in the size of the annotation files.
  public func load(split: String? = nil) throws -> Dataset {
    switch self {
    case .coco(let annotationsFile, let imagesDirectory):
      if let split {
        throw DatasetsError.splitNotFound(split: split, file: annotationsFile, available: [])
      }
      return try COCOInstancesReader.read(
        annotationsFile: annotationsFile, imagesDirectory: imagesDirectory)
    case .cocoSplits(let folder, let splits):
      let chosen = try Self.split(split, of: splits, in: folder)
      return try COCOInstancesReader.read(
        annotationsFile: chosen.annotationsFile, imagesDirectory: chosen.imagesDirectory)
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
      if let split {
        throw DatasetsError.splitNotFound(split: split, file: imagesDirectory, available: [])
      }
      return try FolderReader.read(imagesDirectory: imagesDirectory)
    }
  }

  /// The split named `name`, or the only one when `name` is nil.
  private static func split(_ name: String?, of splits: [COCOSplit], in folder: URL) throws
    -> COCOSplit
  {
    let names = splits.map(\.name)
    guard let name else {
      if splits.count == 1 { return splits[0] }
      if splits.isEmpty { throw DatasetsError.unrecognizedLayout(folder) }
      throw DatasetsError.splitRequired(folder: folder, available: names)
    }
    guard let split = splits.first(where: { $0.name == name }) else {
      throw DatasetsError.splitNotFound(
        split: name, file: folder.appendingPathComponent("annotations/instances_\(name).json"),
        available: names)
    }
    return split
  }

  /// The splits of COCO's own layout in `folder`, sorted by name; empty when there are none.
  private static func cocoSplits(in folder: URL) -> [COCOSplit] {
    let annotations = folder.appendingPathComponent("annotations")
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: annotations.path)
    else { return [] }
    return names.compactMap(splitName(ofFile:)).sorted().map { name in
      COCOSplit(
        name: name, annotationsFile: annotations.appendingPathComponent("instances_\(name).json"),
        imagesDirectory: imagesDirectory(ofSplit: name, in: folder)
          ?? folder.appendingPathComponent(name))
    }
  }

  /// `<split>` for a file named `instances_<split>.json`, else nil.
  private static func splitName(ofFile name: String) -> String? {
    let prefix = "instances_", suffix = ".json"
    guard name.hasPrefix(prefix), name.hasSuffix(suffix),
      name.count > prefix.count + suffix.count
    else { return nil }
    return String(name.dropFirst(prefix.count).dropLast(suffix.count))
  }

  /// The first of `<split>/`, `images/<split>/` and `images/` (when it holds image files)
  /// that exists in `folder`.
  private static func imagesDirectory(ofSplit split: String, in folder: URL) -> URL? {
    let images = folder.appendingPathComponent("images")
    for candidate in [folder.appendingPathComponent(split), images.appendingPathComponent(split)]
    where isDirectory(candidate) {
      return candidate
    }
    return FolderReader.containsImages(images) ? images : nil
  }

  /// `images/` next to a COCO JSON file; for `annotations/instances_<split>.json` without it,
  /// the split's image folder when one exists.
  private static func imagesDirectory(ofJSON file: URL) -> URL {
    let parent = file.deletingLastPathComponent()
    let images = parent.appendingPathComponent("images")
    guard !FileManager.default.fileExists(atPath: images.path),
      parent.lastPathComponent.lowercased() == "annotations",
      let split = splitName(ofFile: file.lastPathComponent),
      let splitImages = imagesDirectory(ofSplit: split, in: parent.deletingLastPathComponent())
    else { return images }
    return splitImages
  }

  private static func isDirectory(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  private static func isDirectoryOfXML(_ url: URL) -> Bool {
    guard isDirectory(url),
      let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
    else { return false }
    return names.contains { $0.lowercased().hasSuffix(".xml") }
  }
}
