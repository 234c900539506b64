import ArgumentParser
import Foundation
import Imaging

/// The input photo, the picture to write and the load-time shrink, shared by the commands
/// that turn one image into one picture (`segment`, `edges`).
struct ImageInputOptions: ParsableArguments {
  @Argument(help: "The image.")
  var image: String

  @Option(name: .shortAndLong, help: "The picture to write (.png or .jpg).")
  var output: String

  @Option(
    help:
      "Shrink the image so its longer side is at most this many pixels first. Default: none, full size."
  )
  var maxSide: Int?

  @Option(help: MemoryLimitOption.singleImageHelp)
  var memoryLimit: String?

  func validate() throws {
    _ = try MemoryLimitOption.budget(memoryLimit, jobs: 1)
    try validateOutputPath(output)
    try OptionRange.check("--max-side", maxSide, in: 1...GeneratorOptions.maximumSide)
  }

  /// The decoded image (RGB in [0, 1]), shrunk when --max-side asks.
  func load() throws -> Image {
    try Image(contentsOf: URL(fileURLWithPath: image), maxSide: maxSide)
  }

  /// The decoded image, shrunk when --max-side asks, after checking from its header that it
  /// and `estimator`'s peak fit `--memory-limit`.
  ///
  /// - Throws: `MemoryBudgetError.overBudget` naming the --max-side that fits; the
  ///   decoder's errors.
  func load(method: String, estimator: any PeakMemoryEstimating) throws -> Image {
    let url = URL(fileURLWithPath: image)
    if let info = try? ImageInfo.read(contentsOf: url) {
      try MemoryLimitOption.budget(memoryLimit, jobs: 1).check(
        file: image, width: info.uprightWidth, height: info.uprightHeight, maxSide: maxSide,
        method: method, estimator: estimator)
    }
    return try load()
  }
}
