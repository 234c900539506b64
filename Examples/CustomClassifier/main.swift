// A user-written RegionClassifier plugged into R-CNN: trained on synthetic scenes in memory,
// then run with selective-search proposals on held-out scenes. Prints the AP50 and exits
// with status 1 when it is below the floor given as the first argument (default 0.2).
import Foundation
import RegionKit

let floor = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 0.2
let scenes = try SyntheticScenes(width: 96, height: 96, maxObjects: 3)
let classes = scenes.shapes.map(\.rawValue)
// The dataset's categories, label order. Their ids need not be 1...K (COCO's are not):
// detections carry them as `object.category.categoryID`, so no label is converted by hand.
let categories = classes.enumerated().map {
  Category(id: 10 * ($0.offset + 1), label: $0.offset, name: $0.element)
}
let inputSize = 32, padding = 4
let proposer = SelectiveSearch(mode: .fast, threads: 1)

// 1. Training crops: ground-truth boxes, plus proposals overlapping no object as background.
var crops: [Float] = [], labels: [Int] = []
for index in 0..<20 {
  let sample = scenes.sample(index, seed: 1)
  let boxes = sample.objects.map(\.box)
  let background = try proposer.proposals(for: sample.image).map(\.box)
    .filter { box in boxes.allSatisfy { box.iou($0) < 0.3 } }.prefix(6)
  let chosen = boxes + background
  crops +=
    RCNN.crops(
      of: sample.image, boxes: chosen, width: inputSize, height: inputSize, contextPadding: padding
    ).data
  labels += sample.objects.map { scenes.shapes.firstIndex(of: $0.shape)! + 1 }
  labels += background.map { _ in 0 }
}
let classifier = SilhouetteClassifier.train(
  classes: classes,
  crops: Tensor(shape: [labels.count, 3, inputSize, inputSize], data: crops), labels: labels)

// 2. Plug it into R-CNN, with the category of each of its classes, and detect on held-out
//    scenes (another seed).
let rcnn = RCNN(
  classifier: classifier,
  classes: categories.map { DetectorClass(name: $0.name, categoryID: $0.id) },
  inputSize: inputSize, contextPadding: padding, proposalGenerator: proposer, maxProposals: 300)
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
  // `object.label` is 1...K (the classifier's column); `object.category` is the class's name
  // and dataset category id.
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
    format: "SilhouetteClassifier in R-CNN: %d detections on 8 held-out scenes, AP50 %.3f",
    detections.count, ap50))
exit(ap50 >= floor ? 0 : 1)
