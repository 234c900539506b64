import Datasets
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

/// COCO's own layout (`annotations/instances_<split>.json` + `<split>/`), its variants, and
/// the splits of COCO and VOC datasets, on small layouts written into a temporary folder.
@Suite struct DatasetLayoutSplitsTests {
  /// Writes each name as an 8x6 PNG into `imagesDirectory`, and a COCO instances JSON listing
  /// them with one box each at `json`.
  static func writeCOCO(_ names: [String], images imagesDirectory: URL, json: URL) throws {
    let manager = FileManager.default
    try manager.createDirectory(at: imagesDirectory, withIntermediateDirectories: true)
    try manager.createDirectory(
      at: json.deletingLastPathComponent(), withIntermediateDirectories: true)
    var images: [String] = []
    var annotations: [String] = []
    for (index, name) in names.enumerated() {
      try Image(width: 8, height: 6, channels: 3, repeating: 0.5)
        .write(to: imagesDirectory.appendingPathComponent(name), as: .png)
      images.append(
        "{\"id\": \(index + 1), \"file_name\": \"\(name)\", \"width\": 8, \"height\": 6}")
      annotations.append(
        "{\"id\": \(index + 1), \"image_id\": \(index + 1), \"category_id\": 1, "
          + "\"bbox\": [1, 1, 4, 3], \"iscrowd\": 0}")
    }
    let text =
      "{\"images\": [\(images.joined(separator: ", "))], \"annotations\": ["
      + annotations.joined(separator: ", ")
      + "], \"categories\": [{\"id\": 1, \"name\": \"square\"}]}"
    try Data(text.utf8).write(to: json)
  }

  /// Checks that `dataset` holds `names`, with image files that exist where it says.
  static func expectImages(_ dataset: Dataset, _ names: [String], in directory: URL) {
    #expect(dataset.format == .coco)
    #expect(dataset.imagesDirectory.path == directory.path)
    #expect(dataset.images.map(\.fileName) == names)
    #expect(dataset.images.allSatisfy { $0.annotations.count == 1 })
    for image in dataset.images {
      #expect(FileManager.default.fileExists(atPath: dataset.url(of: image).path))
    }
  }

  /// A temporary folder removed after `body`.
  static func withFolder(_ body: (URL) throws -> Void) throws {
    let folder = try Fixtures.temporaryDirectory("layout-splits")
    defer { try? FileManager.default.removeItem(at: folder) }
    try body(folder)
  }

  @Test func readsTheOnlySplitOfCOCOsLayout() throws {
    try Self.withFolder { root in
      let json = root.appendingPathComponent("annotations/instances_train2017.json")
      try Self.writeCOCO(
        ["a.png", "b.png"], images: root.appendingPathComponent("train2017"), json: json)
      // Foundation ends a URL with "/" when the folder exists as it is made.
      let images = root.appendingPathComponent("train2017")
      // Other COCO annotation files are not splits.
      try Data("{}".utf8).write(
        to: root.appendingPathComponent("annotations/captions_train2017.json"))

      let split = COCOSplit(name: "train2017", annotationsFile: json, imagesDirectory: images)
      #expect(try DatasetLayout.detect(at: root) == .cocoSplits(folder: root, splits: [split]))
      #expect(try DatasetLayout.detect(at: root).format == .coco)
      Self.expectImages(try Dataset.load(from: root), ["a.png", "b.png"], in: images)
      Self.expectImages(
        try Dataset.load(from: root, split: "train2017"), ["a.png", "b.png"], in: images)
      #expect(
        throws: DatasetsError.splitNotFound(
          split: "val2017", file: root.appendingPathComponent("annotations/instances_val2017.json"),
          available: ["train2017"])
      ) { try Dataset.load(from: root, split: "val2017") }
    }
  }

  @Test func picksTheSplitAskedForAmongSeveral() throws {
    try Self.withFolder { root in
      try Self.writeCOCO(
        ["t1.png", "t2.png"], images: root.appendingPathComponent("train2017"),
        json: root.appendingPathComponent("annotations/instances_train2017.json"))
      try Self.writeCOCO(
        ["v1.png"], images: root.appendingPathComponent("val2017"),
        json: root.appendingPathComponent("annotations/instances_val2017.json"))
      try Data("{}".utf8).write(
        to: root.appendingPathComponent("annotations/person_keypoints_val2017.json"))

      Self.expectImages(
        try Dataset.load(from: root, split: "val2017"), ["v1.png"],
        in: root.appendingPathComponent("val2017"))
      Self.expectImages(
        try Dataset.load(from: root, split: "train2017"), ["t1.png", "t2.png"],
        in: root.appendingPathComponent("train2017"))

      let required = DatasetsError.splitRequired(folder: root, available: ["train2017", "val2017"])
      #expect(throws: required) { try Dataset.load(from: root) }
      #expect(
        required.description
          == "\(root.path): holds several splits (train2017, val2017); name the one to read")
      let notFound = DatasetsError.splitNotFound(
        split: "test2017", file: root.appendingPathComponent("annotations/instances_test2017.json"),
        available: ["train2017", "val2017"])
      #expect(throws: notFound) { try Dataset.load(from: root, split: "test2017") }
      #expect(
        notFound.description
          == "\(root.path)/annotations/instances_test2017.json: split \"test2017\" not found; "
          + "available: train2017, val2017")
    }
  }

  @Test func findsSplitImagesUnderImages() throws {
    try Self.withFolder { root in
      let images = root.appendingPathComponent("images/val2017")
      try Self.writeCOCO(
        ["x.png"], images: images,
        json: root.appendingPathComponent("annotations/instances_val2017.json"))
      Self.expectImages(try Dataset.load(from: root, split: "val2017"), ["x.png"], in: images)
    }
  }

  @Test func readsCVATsDefaultSplitWithImagesInImages() throws {
    try Self.withFolder { root in
      let images = root.appendingPathComponent("images")
      try Self.writeCOCO(
        ["frame_000.png", "frame_001.png"], images: images,
        json: root.appendingPathComponent("annotations/instances_default.json"))
      Self.expectImages(
        try Dataset.load(from: root), ["frame_000.png", "frame_001.png"], in: images)
    }
  }

  @Test func anInstancesFileGivenDirectlyFindsItsSplitImages() throws {
    try Self.withFolder { root in
      let json = root.appendingPathComponent("annotations/instances_val2017.json")
      try Self.writeCOCO(["v.png"], images: root.appendingPathComponent("val2017"), json: json)
      let images = root.appendingPathComponent("val2017")
      #expect(
        try DatasetLayout.detect(at: json) == .coco(annotationsFile: json, imagesDirectory: images))
      Self.expectImages(try Dataset.load(from: json), ["v.png"], in: images)
      // An images/ folder next to the JSON still wins, as before.
      let nextToJSON = root.appendingPathComponent("annotations/images")
      try Self.writeCOCO(["v.png"], images: nextToJSON, json: json)
      Self.expectImages(try Dataset.load(from: json), ["v.png"], in: nextToJSON)
    }
  }

  @Test func annotationsJSONStillComesFirst() throws {
    try Self.withFolder { root in
      try Self.writeCOCO(
        ["a.png"], images: root.appendingPathComponent("images"),
        json: root.appendingPathComponent("annotations.json"))
      try Self.writeCOCO(
        ["t.png"], images: root.appendingPathComponent("train2017"),
        json: root.appendingPathComponent("annotations/instances_train2017.json"))
      #expect(
        try DatasetLayout.detect(at: root)
          == .coco(
            annotationsFile: root.appendingPathComponent("annotations.json"),
            imagesDirectory: root.appendingPathComponent("images")))
    }
  }

  @Test func aLayoutWithoutSplitsNamesNone() throws {
    let labelImg = Fixtures.url("datasets/labelimg-small")
    let error = DatasetsError.splitNotFound(
      split: "train", file: labelImg.appendingPathComponent("ImageSets/Main/train.txt"),
      available: [])
    #expect(throws: error) { try Dataset.load(from: labelImg, split: "train") }
    #expect(
      error.description
        == "\(labelImg.path)/ImageSets/Main/train.txt: split \"train\" not found; the dataset "
        + "has no splits")
    let empty = URL(fileURLWithPath: "/data/coco")
    #expect(throws: DatasetsError.unrecognizedLayout(empty)) {
      try DatasetLayout.cocoSplits(folder: empty, splits: []).load()
    }
  }

  @Test func vocSplitsReadTheirImageSetAndListTheOthers() throws {
    let voc = Fixtures.url("datasets/voc-small")
    #expect(try Dataset.load(from: voc, split: "train").images.map(\.fileName) == ["000002.jpg"])
    #expect(try Dataset.load(from: voc, split: "dog_trainval").images.count == 2)
    #expect(try Dataset.load(from: voc).images.count == 2)
    let error = try #require(throws: DatasetsError.self) {
      try Dataset.load(from: voc, split: "val")
    }
    #expect(error.description.hasSuffix("split \"val\" not found; available: dog_trainval, train"))
  }
}
