import ArgumentParser
import DetectorTraining
import Foundation

/// The model folder a `train` command writes.
struct TrainOutputOptions: ParsableArguments {
  @Option(name: .shortAndLong, help: "The model folder to write.")
  var output: String

  @Flag(
    help:
      "Continue the model in -o from its latest checkpoint, with its settings (--epochs may raise the total)."
  )
  var resume = false

  @Flag(help: "Replace the model in -o.")
  var force = false

  func validate() throws {
    if resume && force { throw ValidationError("--resume and --force exclude each other") }
  }

  var folder: URL { URL(fileURLWithPath: output) }

  var policy: ExistingModelPolicy { resume ? .resume : force ? .replace : .refuse }
}
