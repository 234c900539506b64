import ArgumentParser
import Datasets
import Foundation
import Imaging
import Proposals

/// `regionkit propose`: proposals for an image or every image of a dataset, as JSON Lines.
struct Propose: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Propose object regions for an image or a dataset and write them as JSON Lines.",
    discussion: """
      INPUT is an image file or a dataset (COCO, Pascal VOC or a plain folder of images). \
      Each output line holds one image: {"image", "width", "height", "seconds" (proposal time, \
      decoding excluded), "boxes" [[x1,y1,x2,y2], ...] best first, "scores", "provenance"}. \
      An image that cannot be read gets an "error" line, is listed on standard error, and the \
      run goes on; with --strict the exit status is then 1.
      Methods: \(ProposalMethod.names).
      """)

  @Argument(help: "An image file or a dataset folder.")
  var input: String

  @Option(help: "Proposal method: \(ProposalMethod.names).")
  var method: ProposalMethod = .slidingWindow

  @OptionGroup var generatorOptions: GeneratorOptions

  @Option(name: .shortAndLong, help: "The JSON Lines file to write.")
  var output: String

  @Option(help: "Also draw the best --draw-top proposals of each image into this folder. Default: none.")
  var draw: String?

  @Option(help: "Proposals drawn per image with --draw.")
  var drawTop = 20

  @Flag(help: "Exit with status 1 when any image failed.")
  var strict = false

  @Flag(help: "No progress bar.")
  var quiet = false

  func run() async throws {
    let inputURL = URL(fileURLWithPath: input)
    let images: [(name: String, url: URL)]
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
      throw ValidationError("\(input): no such file or folder")
    }
    if isDirectory.boolValue || inputURL.pathExtension.lowercased() == "json" {
      let dataset = try Dataset.load(from: inputURL)
      images = dataset.images.map { ($0.fileName, dataset.url(of: $0)) }
    } else {
      images = [(inputURL.lastPathComponent, inputURL)]
    }
    let progress = ProgressBar(
      total: images.count, label: method.rawValue, isEnabled: !quiet && images.count > 1)
    let records = await generatorOptions.proposer(method).run(on: images) { _ in progress.advance() }
    progress.finish()
    let outputURL = URL(fileURLWithPath: output)
    try FileManager.default.createDirectory(
      at: outputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    try ProposalFile.write(records, to: outputURL)
    if let draw {
      for (record, image) in zip(records, images) where record.error == nil {
        var picture = try Image(contentsOf: image.url, maxSide: generatorOptions.maxSide)
        for (rank, proposal) in record.proposals.prefix(drawTop).enumerated().reversed() {
          picture.drawBox(proposal.box, color: .category(rank), lineWidth: 2)
        }
        let name = (record.image as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "_")
        try writePicture(picture, to: URL(fileURLWithPath: draw).appendingPathComponent(name + ".png").path)
      }
    }
    let failed = records.filter { $0.error != nil }
    for record in failed {
      FileHandle.standardError.write(Data("error: \(record.image): \(record.error ?? "")\n".utf8))
    }
    let proposals = records.map(\.proposals.count).reduce(0, +)
    let seconds = records.compactMap(\.seconds).reduce(0, +)
    print(
      "\(output): \(records.count - failed.count) images, \(proposals) proposals"
        + String(format: ", %.3f s per image (decoding excluded)", seconds / Double(max(records.count - failed.count, 1)))
        + (failed.isEmpty ? "" : ", \(failed.count) failed"))
    if strict && !failed.isEmpty { throw ExitCode(1) }
  }
}
