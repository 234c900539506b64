import ArgumentParser
import DetectorTraining
import Detectors
import Foundation

/// `regionkit train fast-rcnn`.
struct TrainFastRCNN: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fast-rcnn",
    abstract: "Train Fast R-CNN: RoI pooling of proposals on a shared feature map.",
    discussion: """
      Proposals come from a method run on each image resized to --max-side, or from a file \
      (matched by image file name; boxes in the dataset's pixels). A model trained on a file \
      records the file's name as its proposal method, and `detect` then needs --proposals.

      The backbone is RegionKit's small CNN, or with --backbone a network trained elsewhere \
      (ONNX), cut at a tensor, copied into the model folder and fine-tuned with the head, or \
      frozen with --freeze-backbone; its inputs are then normalised with ImageNet's mean and std \
      unless --mean, --std, --channel-order and --pixel-range say otherwise.
      """)

  @OptionGroup var data: DatasetOptions
  @OptionGroup var output: TrainOutputOptions
  @OptionGroup(title: "Proposals") var proposals: ProposalInputOptions

  @Option(help: "Proposals kept per image, best first.")
  var maxProposals = fastRCNNDefaults.maxProposals

  @OptionGroup(title: "Schedule") var schedule: ScheduleOptions<FastRCNNSchedule>
  @OptionGroup(title: "Network") var network: FastRCNNNetworkOptions
  @OptionGroup var runOptions: RunOptions

  func validate() throws {
    guard (1...100_000).contains(maxProposals) else {
      throw ValidationError("--max-proposals must be between 1 and 100000, got \(maxProposals)")
    }
  }

  func run() throws {
    _ = try runOptions.threads()
    let dataset = try data.load()
    var (configuration, backbone) = try network.prepare(
      .fastRCNN, classes: DetectorClass.of(dataset),
      training: schedule.settings(seed: runOptions.seed))
    configuration.maxProposals = maxProposals
    configuration.proposalMethod = proposals.proposals ?? configuration.proposalMethod
    let result = try FastRCNNTraining.train(
      configuration, on: dataset, proposals: proposals.source(maxProposals: maxProposals),
      skipMissing: proposals.skipMissing, backbone: backbone, into: output.folder,
      policy: output.policy, observer: TrainingProgress(showsBars: !runOptions.noProgress))
    printTrainingResult(result, output: output.output)
  }
}
