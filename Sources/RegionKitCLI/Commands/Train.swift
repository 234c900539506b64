import ArgumentParser
import DetectorTraining
import Foundation

/// `regionkit train`: one subcommand per architecture.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a detector (or the objectness re-ranker) on a COCO or VOC dataset.",
    discussion: """
      Every detector is written as a model folder: config.json (format, architecture, classes \
      with their dataset category ids, preprocessing, network and training settings), \
      model.safetensors (PyTorch-style names), history.json (losses and validation AP50 per \
      epoch) and checkpoints/N/ (weights, optimizer state, trainer state) for --resume. \
      `regionkit detect MODEL INPUT` runs any of them. -o onto an existing model stops unless \
      --resume (continue) or --force (replace).
      """,
    subcommands: [
      TrainFasterRCNN.self, TrainFastRCNN.self, TrainRCNN.self, TrainClassifyLocalize.self,
      TrainObjectness.self,
    ])
}

/// Prints what a training run did.
func printTrainingResult(_ result: TrainingResult, output: String) {
  var line = "\(output): \(result.summary)"
  if let ap50 = result.validationAP50, let ap = result.validationAP {
    line += String(
      format: "; validation AP50 %.3f, AP %.3f on %d images", ap50, ap, result.validationImages)
  }
  print(
    line + String(format: " (%.0f s, peak memory %.0f MB)", result.seconds, peakResidentMemoryMB()))
}
