import ArgumentParser
import Foundation
import Proposals

/// The proposal methods the command line can run.
enum ProposalMethod: String, ExpressibleByArgument, CaseIterable, Sendable {
  case slidingWindow = "sliding-window"
  case selectiveSearch = "selective-search"

  static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Options shared by the commands that run proposal generators (`propose`, `evaluate`).
struct GeneratorOptions: ParsableArguments {
  @Option(help: "Keep at most this many proposals per image, best first.")
  var top = 2000

  @Option(help: "Seed of every random choice (rankings), for identical output on every run.")
  var seed: UInt64 = 0

  @Option(
    help: ArgumentHelp(
      "Selective-search preset: the paper's (Uijlings et al. 2013) or, with the opencv- prefix, OpenCV ximgproc's parameters.",
      valueName: "mode"))
  var mode: SelectiveSearch.Mode = .fast

  @Option(help: "Images processed at once. Default: the number of cores.")
  var jobs: Int?

  @Option(help: "Shrink images whose longer side is above this many pixels before proposing (boxes then refer to the shrunk image). Default: none, full size.")
  var maxSide: Int?

  func validate() throws {
    guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if let maxSide, maxSide < 1 { throw ValidationError("--max-side must be at least 1, got \(maxSide)") }
  }

  /// The generator for `method` with these options.
  func generator(_ method: ProposalMethod) -> any ProposalGenerator {
    switch method {
    case .slidingWindow: SlidingWindow(maxProposals: top, seed: seed)
    case .selectiveSearch:
      // Cores left over by the images running at once go to the strategies of each image.
      SelectiveSearch(
        mode: mode, seed: seed, maxProposals: top,
        threads: max(1, ProcessInfo.processInfo.activeProcessorCount / (jobs ?? ProcessInfo.processInfo.activeProcessorCount)))
    }
  }

  /// The batch runner for `method`.
  func proposer(_ method: ProposalMethod) -> BatchProposer {
    if let jobs {
      return BatchProposer(generator: generator(method), jobs: jobs, maxSide: maxSide)
    }
    return BatchProposer(generator: generator(method), maxSide: maxSide)
  }
}

extension SelectiveSearch.Mode: ExpressibleByArgument {}
