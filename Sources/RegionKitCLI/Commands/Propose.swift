import ArgumentParser
import Datasets
import Foundation
import Imaging
import ProposalIO
import ProposalRuns

/// `regionkit propose`: proposals for an image, a dataset or a file list, as JSON Lines.
struct Propose: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Propose object regions for an image, a dataset or a file list and write them as JSON Lines.",
    discussion: """
      INPUT is an image file, a dataset (COCO, Pascal VOC or a plain folder of images) or a \
      FILELIST (.txt, .lst or .list: one image path per line, relative to the list's folder). \
      Each output line holds one image: {"image", "width", "height", "seconds" (proposal time, \
      decoding excluded), "boxes" [[x1,y1,x2,y2], ...] best first, "scores", "provenance"}. \
      An image that cannot be read (in a plain folder too) gets an "error" line, is listed on \
      standard error, and the run goes on; with --strict the exit status is then 1. A single \
      image file that cannot be read always exits 1.
      With -o FILE.jsonl records are written in input order and the file is replaced when all are done. With -o OUTDIR (any \
      path not ending in .jsonl, .json or .ndjson, or with --shard or --shard-count) the run is sharded and resumable: \
      the shard's records are appended to OUTDIR/shard-III-of-NNN.jsonl.partial as they finish, \
      renamed to shard-III-of-NNN.jsonl when the shard is done, and a rerun skips the images \
      already written (a bad line in the .partial file is dropped, reported, and only its image \
      computed again); OUTDIR/run.json records the settings and a rerun with other settings is \
      refused (--jobs is not a setting: shards and resumes with other --jobs mix). Image names \
      must be unique in a sharded run. Files are written under temporary names \
      (.NAME.tmp-PID-HEX) and renamed when complete; those left by killed runs are removed by \
      the next run. The shard comes from --shard, else from a Slurm array, an AWS Batch array or a \
      Kubernetes Indexed Job (with --shard-count); image NAME goes to shard \
      FNV-1a-64(NAME) mod COUNT. Join the shards with `regionkit merge OUTDIR`.
      Methods: \(ProposalMethod.names).
      """)

  @Argument(
    help: "An image file, a dataset folder or annotations file, or a FILELIST (.txt, .lst, .list).")
  var input: String

  @Option(
    help:
      "The split of a dataset INPUT: VOC ImageSets/Main/SPLIT.txt or COCO annotations/instances_SPLIT.json. Default: the only COCO split, or every VOC image."
  )
  var split: String?

  @Option(help: "Proposal method: \(ProposalMethod.names).")
  var method: ProposalMethod = .selectiveSearch

  @OptionGroup var generatorOptions: GeneratorOptions

  @OptionGroup var shardOptions: ShardOptions

  @Option(
    name: .shortAndLong,
    help: "The JSON Lines file to write (FILE.jsonl), or the folder of a sharded, resumable run.")
  var output: String

  @Option(
    help:
      "Also draw the best --draw-top proposals of each image into this folder (single-file output only). Default: none."
  )
  var draw: String?

  @Option(help: "Proposals drawn per image with --draw.")
  var drawTop = 20

  @Flag(help: "Exit with status 1 when any image failed.")
  var strict = false

  @Flag(help: "Do not draw progress bars.")
  var noProgress = false

  /// Whether `-o` names a folder for a sharded run rather than one JSON Lines file.
  var isShardedOutput: Bool {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory)
    let fileExtensions = ["jsonl", "json", "ndjson"]
    return shardOptions.isGiven || (exists && isDirectory.boolValue)
      || !fileExtensions.contains(URL(fileURLWithPath: output).pathExtension.lowercased())
  }

  func validate() throws {
    if draw != nil && isShardedOutput {
      throw ValidationError(
        "--draw works with -o FILE.jsonl only, not with a sharded output folder")
    }
    try OptionRange.check("--draw-top", drawTop, in: 0...100_000)
    try generatorOptions.validateObjectness(for: [method])
    try generatorOptions.validateMethods([method])
  }

  func run() async throws {
    let images = try listImages()
    if isShardedOutput {
      try await runSharded(images)
    } else {
      try await runSingleFile(images)
    }
  }

  /// `(name, url)` of every input image, in input order.
  private func listImages() throws -> [(name: String, url: URL)] {
    let inputURL = URL(fileURLWithPath: input)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
      throw ValidationError("\(input): no such file or folder")
    }
    let fileExtension = inputURL.pathExtension.lowercased()
    if isDirectory.boolValue || fileExtension == "json" {
      let dataset = try Dataset.load(from: inputURL, split: split)
      DatasetWarnings.printSizeMismatches(of: dataset)
      return ImageFailures.addingUnreadable(
        to: dataset.images.map { (name: $0.fileName, url: dataset.url(of: $0)) }, of: dataset,
        name: { $0.name }, make: { (name: $0, url: $1) })
    }
    if ["txt", "lst", "list"].contains(fileExtension) {
      return try ImageListFile.read(contentsOf: inputURL)
    }
    return [(inputURL.lastPathComponent, inputURL)]
  }

  /// `-o FILE.jsonl`: records streamed in input order to a temporary file, renamed into place
  /// at the end (the file is replaced only by a complete one).
  private func runSingleFile(_ images: [(name: String, url: URL)]) async throws {
    let outputURL = URL(fileURLWithPath: output)
    try FileManager.default.createDirectory(
      at: outputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    let writer = try ProposalFileWriter(url: outputURL)
    let progress = ProgressBar(
      total: images.count, label: method.rawValue, isEnabled: !noProgress && images.count > 1)
    var failed: [(image: String, error: String)] = []
    var proposals = 0
    var seconds = 0.0
    try await generatorOptions.proposer(method).stream(
      images, progress: { _ in progress.advance() }
    ) { index, record in
      try writer.append(record)
      if let error = record.error {
        failed.append((record.image, error))
        return
      }
      proposals += record.proposals.count
      seconds += record.seconds ?? 0
      if let draw { try drawProposals(record, image: images[index].url, into: draw) }
    }
    progress.finish()
    try writer.finish()
    try report(
      file: output, images: images.count, resumed: 0, proposals: proposals, seconds: seconds,
      timedImages: images.count - failed.count, failed: failed)
  }

  /// Draws the best `drawTop` proposals of `record` on its image into the folder `draw`.
  private func drawProposals(_ record: ProposalRecord, image url: URL, into draw: String) throws {
    var picture = try Image(contentsOf: url, maxSide: generatorOptions.maxSide)
    for (rank, proposal) in record.proposals.prefix(drawTop).enumerated().reversed() {
      picture.drawBox(proposal.box, color: .category(rank), lineWidth: 2)
    }
    try writePicture(
      picture,
      to: URL(fileURLWithPath: draw).appendingPathComponent(
        Dataset.pictureFileName(for: record.image)
      ).path)
  }

  /// `-o OUTDIR`: this process's shard, streamed to its file, resuming an earlier run.
  private func runSharded(_ images: [(name: String, url: URL)]) async throws {
    let shard = try shardOptions.resolve()
    let directory = URL(fileURLWithPath: output)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let proposer = try generatorOptions.proposer(method)
    let fingerprint = try RunFingerprint(
      generator: proposer.generator, maxSide: proposer.maxSide,
      toolVersion: RegionKitVersion.current,
      imageNames: images.map(\.name), shardCount: shard.count)
    try fingerprint.claim(directory: directory)
    let writer = try ShardWriter(directory: directory, shard: shard)
    if writer.truncatedBytes > 0 {
      FileHandle.standardError.write(
        Data(
          "\(writer.partialURL.path): cut a torn last line of \(writer.truncatedBytes) bytes\n".utf8
        ))
    }
    if !writer.droppedLines.isEmpty {
      var message =
        "\(writer.partialURL.path): dropped \(writer.droppedLines.count) bad "
        + "line\(writer.droppedLines.count == 1 ? "" : "s"), kept the valid records around "
        + "them; their images are proposed again\n"
      for (line, reason) in writer.droppedLines.prefix(10) {
        message += "  line \(line): \(reason)\n"
      }
      if writer.droppedLines.count > 10 {
        message += "  and \(writer.droppedLines.count - 10) more\n"
      }
      FileHandle.standardError.write(Data(message.utf8))
    }
    let owned = images.filter { shard.contains($0.name) }
    let todo = owned.filter { !writer.completedImages.contains($0.name) }
    let resumed = owned.count - todo.count
    let progress = ProgressBar(
      total: todo.count, label: "\(method.rawValue) shard \(shard)",
      isEnabled: !noProgress && todo.count > 1)
    var failed = writer.resumedFailures
    var proposals = 0
    var seconds = 0.0
    var timedImages = 0
    try await proposer.stream(todo, progress: { _ in progress.advance() }) { _, record in
      try writer.append(record)
      if let error = record.error { failed.append((record.image, error)) } else { timedImages += 1 }
      proposals += record.proposals.count
      seconds += record.seconds ?? 0
    }
    progress.finish()
    try writer.finish()
    try report(
      file: writer.url.path, images: owned.count, resumed: resumed, proposals: proposals,
      seconds: seconds, timedImages: timedImages, failed: failed)
  }

  /// Lists failed images on standard error and prints the summary; exits 1 with --strict, or
  /// when INPUT is a single image that failed.
  ///
  /// - Parameters:
  ///   - timedImages: Images proposed for by this process without error (for the mean time).
  private func report(
    file: String, images: Int, resumed: Int, proposals: Int, seconds: Double, timedImages: Int,
    failed: [(image: String, error: String)]
  ) throws {
    ImageFailures.list(failed)
    print(
      "\(file): \(images - failed.count) images, \(proposals) proposals"
        + (resumed > 0
          ? " (\(resumed) images done by an earlier run, their proposals not counted)" : "")
        + String(
          format: ", %.3f s per image (decoding excluded)", seconds / Double(max(timedImages, 1)))
        + (failed.isEmpty ? "" : ", \(failed.count) failed"))
    try ImageFailures.exitIfNeeded(failed: failed.count, strict: strict, input: input)
  }
}
