// A classifier trained elsewhere, exported to ONNX, plugged into R-CNN from the library: the
// network runs on RegionKit's own ONNX importer, its output columns are matched to the
// dataset's classes by a labels file, and R-CNN adds the proposals, the crops, the batching on
// threads and the per-class NMS. Prints the AP50 on held-out synthetic scenes and exits with
// status 1 when it is below the floor.
//
//   swift run ONNXClassifier [MODEL.onnx LABELS.txt] [FLOOR]
//
// Without a model it uses Fixtures/onnx/rcnn/shapes_classifier.onnx, a tiny CNN trained in
// PyTorch on crops of synthetic scenes (Tools/onnx/make_rcnn_fixtures.py). FLOOR defaults
// to 0.2.
import Foundation
import RegionKit

var arguments = Array(CommandLine.arguments.dropFirst())
let floor = arguments.count % 2 == 1 ? Double(arguments.removeLast()) ?? 0.2 : 0.2
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("../../Fixtures/onnx/rcnn").standardizedFileURL
let modelURL =
  arguments.count == 2
  ? URL(fileURLWithPath: arguments[0]) : fixtures.appendingPathComponent("shapes_classifier.onnx")
let labelsURL =
  arguments.count == 2
  ? URL(fileURLWithPath: arguments[1])
  : fixtures.appendingPathComponent("shapes_classifier.labels.txt")

do {
  // 1. The network and its labels. Column order and spelling come from the labels file;
  //    the dataset's classes only need to be among them.
  let scenes = try SyntheticScenes(width: 96, height: 96, maxObjects: 3)
  let categories = scenes.shapes.enumerated().map {
    Category(id: $0.offset + 1, label: $0.offset, name: $0.element.rawValue)
  }
  let network = try ONNXModel(contentsOf: modelURL)
  let cropSize = try network.declaredCropSize() ?? 32
  let classifier = try ONNXRegionClassifier(
    model: network, labels: ClassifierLabels.read(contentsOf: labelsURL),
    classes: categories.map(\.name), normalization: .imageNet, cropSize: cropSize,
    labelsFile: labelsURL.path)
  print(
    "\(modelURL.lastPathComponent): \(cropSize)x\(cropSize) crops, output "
      + "\"\(classifier.output)\" holds \(classifier.outputKind.rawValue), labels "
      + "\(classifier.labels.labels)")

  // 2. R-CNN around it: selective search proposals, crops classified 256 at a time on two
  //    threads (the detections do not depend on the thread count).
  let rcnn = RCNN(
    classifier: classifier,
    classes: categories.map { DetectorClass(name: $0.name, categoryID: $0.id) },
    inputSize: cropSize, proposalGenerator: SelectiveSearch(mode: .fast, threads: 1),
    maxProposals: 300, threads: 2)

  // 3. Held-out scenes, COCO AP50.
  var images: [DatasetImage] = [], detections: [Detection] = []
  for index in 0..<8 {
    let sample = scenes.sample(index, seed: 2)
    let annotations = sample.objects.map { object in
      let category = categories[scenes.shapes.firstIndex(of: object.shape)!]
      return Annotation(box: object.box, label: category.label, categoryID: category.id)
    }
    images.append(
      DatasetImage(
        id: index + 1, fileName: "\(index).png", width: 96, height: 96, annotations: annotations))
    for object in try rcnn.detect(in: sample.image) {
      detections.append(
        Detection(
          imageID: index + 1, box: object.box, categoryID: object.category.categoryID,
          score: object.score))
    }
  }
  let dataset = Dataset(
    format: .coco, imagesDirectory: URL(fileURLWithPath: "."), categories: categories,
    images: images)
  let ap50 = try COCOEvaluation().evaluate(detections: detections, dataset: dataset)
    .summarize(precision: true, iouThreshold: 0.5)
  print(
    String(
      format: "ONNX classifier in R-CNN: %d detections on 8 held-out scenes, AP50 %.3f",
      detections.count, ap50))
  exit(ap50 >= floor ? 0 : 1)
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(2)
}
