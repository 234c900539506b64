import ArgumentParser
import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging

extension Detect {
  /// `detect` with an rcnn model folder: the R-CNN pipeline on every image, one at a time
  /// (so the printed per-image timings are not shared between images).
  ///
  /// With a dataset that has ground truth (`dataset` non-nil), also prints the COCO AP50.
  func runRCNN(
    items: [(id: Int, url: URL, width: Int, height: Int, name: String)], dataset: Dataset?
  ) throws {
    let folder = URL(fileURLWithPath: model)
    let configuration = try RCNNModelFolder.configuration(in: folder)
    let classifier = try RCNNModelFolder.loadClassifier(
      from: folder, configuration: configuration)
    let rcnn = RCNNRunner.pipeline(configuration, classifier: classifier)
    let bar = ProgressBar(total: items.count, label: "detect", isEnabled: !noProgress)
    let results = try RCNNRunner.detect(
      rcnn, urls: items.map(\.url), threads: 1, keepImages: draw != nil
    ) { bar.advance() }
    bar.finish()
    var detections: [Detection] = []
    for (item, result) in zip(items, results) {
      for object in result.objects where object.score >= minScore {
        detections.append(
          Detection(
            imageID: item.id, box: object.box,
            categoryID: configuration.categoryIDs[object.label - 1],
            score: object.score))
      }
      if let draw {
        try writeDetectionPicture(
          result.image, objects: result.objects, classes: configuration.classes,
          minScore: max(minScore, 0.5), name: item.name, folder: draw)
      }
    }
    try COCOResults.write(detections, to: URL(fileURLWithPath: output))
    let n = Double(max(results.count, 1))
    var quality = ""
    if let dataset, dataset.images.contains(where: { !$0.annotations.isEmpty }) {
      let evaluation = try COCOEvaluation().evaluate(detections: detections, dataset: dataset)
      quality = String(
        format: "AP50 %.4f, AP %.4f; ", evaluation.summarize(precision: true, iouThreshold: 0.5),
        evaluation.summarize(precision: true))
    }
    print(
      "\(output): \(detections.count) detections on \(items.count) images; \(quality)"
        + String(
          format: "%.3f s/image proposals + %.3f s/image classification",
          results.map(\.proposalSeconds).reduce(0, +) / n,
          results.map(\.classifySeconds).reduce(0, +) / n))
  }
}
