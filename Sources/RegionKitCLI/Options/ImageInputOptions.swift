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

  func validate() throws {
    try validateOutputPath(output)
    try OptionRange.check("--max-side", maxSide, in: 1...GeneratorOptions.maximumSide)
  }

  /// The decoded image (RGB in [0, 1]), shrunk when --max-side asks.
  func load() throws -> Image {
    try Image(contentsOf: URL(fileURLWithPath: image), maxSide: maxSide)
  }
}
