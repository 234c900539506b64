import ArgumentParser
import DetectorTraining
import Detectors
import Foundation

/// `regionkit train faster-rcnn`.
struct TrainFasterRCNN: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "faster-rcnn",
    abstract:
      "Train Faster R-CNN: a region proposal network and the Fast R-CNN head on one backbone.",
    discussion: """
      Approximate joint training as torchvision: the sum of the RPN's objectness and box \
      losses and the head's classification and box losses; anchors of --anchor-sizes at \
      ratios 0.5, 1, 2 on the backbone's feature map (stride 8 for the small CNN). Minibatches \
      of --batch-size images decoded on another thread while the previous one trains.

      The backbone is RegionKit's small CNN, or with --backbone a network trained elsewhere \
      (ONNX), cut at a tensor, copied into the model folder and fine-tuned with the RPN and the \
      head, or frozen with --freeze-backbone; its inputs are then normalised with ImageNet's mean \
      and std unless --mean, --std, --channel-order and --pixel-range say otherwise.
      """)

  @OptionGroup var data: DatasetOptions
  @OptionGroup var output: TrainOutputOptions
  @OptionGroup(title: "Schedule") var schedule: ScheduleOptions<FastRCNNSchedule>
  @OptionGroup(title: "Network") var network: FastRCNNNetworkOptions

  @Option(help: "Anchor sizes in pixels of the resized image, comma-separated.")
  var anchorSizes = fastRCNNDefaults.anchorSizes.map { "\(Int($0))" }.joined(separator: ",")

  @Option(help: "Proposals whose objectness is below this are discarded (0 keeps all).")
  var rpnScoreThreshold = fastRCNNDefaults.rpnScoreThreshold

  @OptionGroup var runOptions: RunOptions

  func sizes() throws -> [Float] {
    let values = anchorSizes.split(separator: ",").compactMap { Float($0) }
    guard !values.isEmpty, values.count == anchorSizes.split(separator: ",").count,
      values.allSatisfy({ $0 > 0 && $0.isFinite })
    else { throw ValidationError("--anchor-sizes must be positive numbers, got \(anchorSizes)") }
    return values
  }

  func validate() throws {
    var configuration = try network.configuration(
      .fasterRCNN, classes: [DetectorClass(name: "-", categoryID: 1)],
      training: schedule.settings(seed: runOptions.seed))
    configuration.anchorSizes = try sizes()
    configuration.rpnScoreThreshold = rpnScoreThreshold
    try validateOptions { try configuration.validate(file: "the command line") }
  }

  func run() throws {
    _ = try runOptions.threads()
    let dataset = try data.load()
    var (configuration, backbone) = try network.prepare(
      .fasterRCNN, classes: DetectorClass.of(dataset),
      training: schedule.settings(seed: runOptions.seed))
    configuration.anchorSizes = try sizes()
    configuration.rpnScoreThreshold = rpnScoreThreshold
    configuration.proposalMethod = "rpn"
    let result = try FastRCNNTraining.train(
      configuration, on: dataset, backbone: backbone, into: output.folder, policy: output.policy,
      observer: TrainingProgress(showsBars: !runOptions.noProgress))
    printTrainingResult(result, output: output.output)
  }
}
