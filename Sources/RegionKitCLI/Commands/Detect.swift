import ArgumentParser
import Boxes
import Datasets
import Detectors
import Foundation
import Imaging
import NeuralNet

/// `regionkit detect`: runs a trained model on a dataset or one image.
struct Detect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a trained detector on a dataset or an image and write COCO results JSON.",
    discussion: """
      MODEL is a folder written by `regionkit train` (config.json + model.safetensors). INPUT is a \
      COCO or VOC dataset folder (image ids and category ids come from it) or a single image \
      (image id --image-id). A classify-localize model gives one box per image, scored by the \
      softmax probability of its class; images predicted as background give none. An rcnn \
      model runs selective search, its region classifier and per-class NMS on every image \
      (up to 100 detections each; --draw shows those scored 0.5 or more) and prints the mean \
      seconds per image of the proposal and classification stages, and the COCO AP50 and AP \
      when INPUT is a dataset with ground truth.
      """)

  @Argument(help: "The model folder.")
  var model: String

  @Argument(help: "A dataset folder or an image file.")
  var input: String

  @Option(help: "The split to read from a VOC layout with ImageSets. Default: all images.")
  var split: String?

  @Option(name: .shortAndLong, help: "The COCO results file to write (.json).")
  var output: String

  @Option(help: "Write one picture per image with its detection into this folder (PNG).")
  var draw: String?

  @Option(help: "The image_id of a single INPUT image.")
  var imageID = 1

  @Option(help: "Leave out detections scored below this.")
  var minScore: Float = 0

  @Flag(help: "Do not draw the progress bar.")
  var noProgress = false

  @OptionGroup(title: "Fast / Faster R-CNN") var fast: FastRCNNDetectOptions

  func run() throws {
    let architecture = try ModelFolder.architecture(in: URL(fileURLWithPath: model))
    if architecture == .fastRCNN || architecture == .fasterRCNN {
      return try runFastRCNN(architecture: architecture)
    }
    let isRCNN = architecture == .rcnn
    // Model errors come before input errors.
    if !isRCNN { _ = try ModelFolder.configuration(in: URL(fileURLWithPath: model)) }
    let inputURL = URL(fileURLWithPath: input)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
      throw ValidationError("INPUT \(input) does not exist")
    }
    var items: [(id: Int, url: URL, width: Int, height: Int, name: String)] = []
    var loaded: Dataset?
    if isDirectory.boolValue {
      let data = try Dataset.load(from: inputURL, split: split)
      loaded = data
      items = data.images.map { ($0.id, data.url(of: $0), $0.width, $0.height, $0.fileName) }
    } else {
      let info = try ImageInfo.read(contentsOf: inputURL)
      items = [
        (imageID, inputURL, info.uprightWidth, info.uprightHeight, inputURL.lastPathComponent)
      ]
    }
    if let draw {
      try FileManager.default.createDirectory(atPath: draw, withIntermediateDirectories: true)
    }
    if isRCNN {
      try runRCNN(items: items, dataset: loaded)
      return
    }
    let configuration = try ModelFolder.configuration(in: URL(fileURLWithPath: model))
    var network = try ModelFolder.loadClassifyAndLocalize(
      from: URL(fileURLWithPath: model), configuration: configuration)
    network.setTraining(false)
    let bar = ProgressBar(total: items.count, label: "detect", isEnabled: !noProgress)
    var detections: [Detection] = []
    let side = max(configuration.inputWidth, configuration.inputHeight)
    for item in items {
      let image = try Image(
        contentsOf: item.url, maxSide: draw == nil ? 4 * side : max(4 * side, 1024))
      let pixels = LocalizationSet.normalise(
        image.resized(width: configuration.inputWidth, height: configuration.inputHeight),
        configuration)
      let batch = Tensor(
        shape: [1, 3, configuration.inputHeight, configuration.inputWidth], data: pixels)
      let prediction = network.predictions(network.forward(batch))[0]
      var detection: Detection?
      if let label = prediction.label, prediction.score >= minScore {
        detection = Detection(
          imageID: item.id, box: prediction.box(width: item.width, height: item.height),
          categoryID: configuration.categoryIDs[label], score: prediction.score)
        detections.append(detection!)
      }
      if let draw {
        var picture = image
        if let label = prediction.label, detection != nil {
          try picture.drawBox(
            prediction.box(width: picture.width, height: picture.height), color: .category(label),
            label: "\(configuration.classes[label]) " + String(format: "%.2f", prediction.score))
        }
        try writePicture(
          picture,
          to: URL(fileURLWithPath: draw).appendingPathComponent(
            Dataset.pictureFileName(for: item.name)
          ).path)
      }
      bar.advance()
    }
    bar.finish()
    try COCOResults.write(detections, to: URL(fileURLWithPath: output))
    print("\(output): \(detections.count) detections on \(items.count) images")
  }
}
