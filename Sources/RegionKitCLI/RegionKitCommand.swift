import ArgumentParser

/// The `regionkit` command line.
@main
struct RegionKitCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regionkit",
    abstract: "Classical object-region proposals and R-CNN-family detectors.",
    discussion: """
      Boxes are x1, y1, x2, y2 in pixel-edge coordinates (torchvision's convention).
      Datasets are COCO (images/ + annotations.json), Pascal VOC (XML + images) or a folder of images.
      """,
    version: RegionKitVersion.current,
    subcommands: [
      Info.self, Draw.self, Segment.self, EdgeMapCommand.self, Propose.self, Merge.self,
      Evaluate.self,
      Synth.self, Train.self, Detect.self, Model.self,
    ])
}
