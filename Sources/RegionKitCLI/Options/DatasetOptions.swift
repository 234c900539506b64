import ArgumentParser
import Datasets
import Foundation

/// The dataset of a command: a folder (or COCO `.json`), or `--images` with `--annotations`.
struct DatasetOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "The dataset: a COCO folder (annotations.json + images/, or annotations/instances_SPLIT.json + SPLIT/), a Pascal VOC folder, or a COCO .json file. Leave it out to give --images and --annotations.",
      valueName: "dataset"))
  var dataset: String?

  @Option(
    help:
      "The split: VOC ImageSets/Main/SPLIT.txt or COCO annotations/instances_SPLIT.json. Default: the only COCO split, or every VOC image."
  )
  var split: String?

  @Option(help: "The image folder of --annotations.")
  var images: String?

  @Option(help: "A COCO instances .json (with --images) instead of DATASET.")
  var annotations: String?

  func validate() throws {
    switch (dataset, images, annotations) {
    case (_?, nil, nil), (nil, _?, _?): break
    case (_?, _, _): throw ValidationError("give DATASET or --images with --annotations, not both")
    default: throw ValidationError("give DATASET, or --images with --annotations")
    }
  }

  /// The dataset named by the options; images whose file's size differs from the
  /// annotation's are listed on standard error.
  func load() throws -> Dataset {
    let loaded =
      if let images, let annotations {
        try Dataset.load(
          annotations: URL(fileURLWithPath: annotations), images: URL(fileURLWithPath: images),
          split: split)
      } else {
        try Dataset.load(from: URL(fileURLWithPath: dataset ?? "."), split: split)
      }
    DatasetWarnings.printSizeMismatches(of: loaded)
    return loaded
  }

  /// The dataset's name for messages.
  var name: String { URL(fileURLWithPath: dataset ?? annotations ?? ".").lastPathComponent }
}
