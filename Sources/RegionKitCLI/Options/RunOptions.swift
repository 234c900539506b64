import ArgumentParser
import Foundation
import NeuralNet

/// How a command runs: threads, seed, progress display.
struct RunOptions: ParsableArguments {
  @Option(help: "Threads to use. Default: the number of cores.")
  var jobs: Int?

  @Option(
    help:
      "Seed of every random choice (split, initial weights, shuffles, augmentation, proposal rankings), for identical output on every run."
  )
  var seed: UInt64 = 0

  @Flag(help: "Do not draw progress bars (results are still printed).")
  var noProgress = false

  func validate() throws {
    if let jobs, !(1...1024).contains(jobs) {
      throw ValidationError("--jobs must be between 1 and 1024, got \(jobs)")
    }
  }

  /// The thread count, also set for NeuralNet's kernels (results do not depend on it).
  func threads() throws -> Int {
    let count = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    try ComputeThreads.setCount(count)
    return count
  }
}
