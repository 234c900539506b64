import Foundation

extension Dataset {
  /// Reads a dataset folder in any supported layout.
  ///
  /// Recognises the layout with ``DatasetLayout/detect(at:)`` (COCO `annotations.json` +
  /// `images/`, a COCO `.json` file, COCO's own `annotations/instances_<split>.json` +
  /// `<split>/`, VOC `Annotations/` + `JPEGImages/`, `annotations/` + `images/` with XML, or a
  /// folder of images) and reads it. Clipped and dropped boxes are listed in ``warnings``.
  ///
  ///     let dataset = try Dataset.load(from: URL(fileURLWithPath: "VOCdevkit/VOC2007"),
  ///                                    split: "test")
  ///     let val = try Dataset.load(from: URL(fileURLWithPath: "coco"), split: "val2017")
  ///
  /// - Parameters:
  ///   - url: The dataset folder, or a COCO JSON file.
  ///   - split: A VOC split name (`ImageSets/Main/<split>.txt`) or a COCO one
  ///     (`annotations/instances_<split>.json`). Default: `nil`, all VOC files, or the only
  ///     COCO split.
  /// - Returns: The dataset.
  /// - Throws: ``DatasetsError/unrecognizedLayout(_:)`` for a folder in no known layout,
  ///   ``DatasetsError/splitNotFound(split:file:available:)`` for an unknown split (listing the
  ///   splits found), ``DatasetsError/splitRequired(folder:available:)`` when a COCO folder has
  ///   several splits and none is given; other ``DatasetsError`` cases name the file and
  ///   position of malformed input.
  /// - Complexity: O(*n*) in the size of the annotation files.
  public static func load(from url: URL, split: String? = nil) throws -> Dataset {
    try DatasetLayout.detect(at: url).load(split: split)
  }

  /// Reads annotations and images given separately, as a command line's
  /// `--annotations FILE --images DIR`.
  ///
  ///     let dataset = try Dataset.load(
  ///       annotations: URL(fileURLWithPath: "coco/annotations/instances_val2017.json"),
  ///       images: URL(fileURLWithPath: "coco/val2017"))
  ///
  /// - Parameters:
  ///   - annotations: A COCO instances JSON file, or a folder of Pascal VOC `.xml` files.
  ///   - images: The folder the image file names of the annotations are relative to.
  ///   - split: For VOC, a split of `ImageSets/Main/` next to the annotations folder.
  ///     Default: `nil`, every annotation.
  /// - Returns: The dataset.
  /// - Throws: ``DatasetsError/fileNotFound(_:)`` when either does not exist,
  ///   ``DatasetsError/unreadableFile(_:reason:)`` when `images` is not a folder,
  ///   ``DatasetsError/unrecognizedLayout(_:)`` for a folder without `.xml` files,
  ///   ``DatasetsError/splitNotFound(split:file:available:)`` for an unknown split; other
  ///   ``DatasetsError`` cases name the file and position of malformed input.
  /// - Complexity: O(*n*) in the size of the annotation files.
  public static func load(annotations: URL, images: URL, split: String? = nil) throws
    -> Dataset
  {
    try DatasetLayout(annotations: annotations, images: images).load(split: split)
  }

  /// Reads a COCO instances JSON file.
  ///
  ///     let dataset = try Dataset.loadCOCO(
  ///       annotationsFile: URL(fileURLWithPath: "coco/annotations/instances_val2017.json"),
  ///       imagesDirectory: URL(fileURLWithPath: "coco/val2017"))
  ///
  /// - Parameters:
  ///   - annotationsFile: The JSON file (`images`, `annotations`, `categories`).
  ///   - imagesDirectory: The folder `file_name`s are relative to. Default: `nil`, `images/`
  ///     next to the JSON file.
  /// - Returns: The dataset; categories sorted by id get labels `0..<n`.
  /// - Throws: ``DatasetsError/invalidJSON(file:message:line:column:)`` for a syntax error,
  ///   ``DatasetsError/malformedJSON(file:path:problem:)`` for a missing or mistyped value,
  ///   ``DatasetsError/duplicateID(file:field:id:)`` for a repeated image or category id.
  /// - Complexity: O(*n*) in the file size.
  public static func loadCOCO(annotationsFile: URL, imagesDirectory: URL? = nil) throws -> Dataset {
    try COCOInstancesReader.read(
      annotationsFile: annotationsFile,
      imagesDirectory: imagesDirectory
        ?? annotationsFile.deletingLastPathComponent().appendingPathComponent("images"))
  }

  /// Reads a folder of Pascal VOC XML files.
  ///
  ///     let dataset = try Dataset.loadVOC(
  ///       annotationsDirectory: URL(fileURLWithPath: "raccoon/annotations"),
  ///       imagesDirectory: URL(fileURLWithPath: "raccoon/images"))
  ///
  /// - Parameters:
  ///   - annotationsDirectory: The folder of `.xml` files.
  ///   - imagesDirectory: The folder the `<filename>`s are relative to.
  ///   - splitFile: A VOC split file (one image stem per line) selecting the XML files to read.
  ///     Default: `nil`, every `.xml` file.
  /// - Returns: The dataset; sorted object names get ids `1...n`, labels `0..<n`.
  /// - Throws: ``DatasetsError/invalidXML(file:line:column:message:)``,
  ///   ``DatasetsError/missingXMLElement(file:element:line:)`` or
  ///   ``DatasetsError/invalidValue(file:field:value:)`` naming the file at fault.
  /// - Complexity: O(*n*) in the total size of the files.
  public static func loadVOC(
    annotationsDirectory: URL, imagesDirectory: URL, splitFile: URL? = nil
  ) throws -> Dataset {
    try VOCReader.read(
      annotationsDirectory: annotationsDirectory, imagesDirectory: imagesDirectory,
      splitFile: splitFile,
      split: splitFile.map { $0.deletingPathExtension().lastPathComponent })
  }
}
