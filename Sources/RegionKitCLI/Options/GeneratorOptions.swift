import ArgumentParser
import Detectors
import Foundation
import ProposalRuns
import Proposals

/// The proposal methods the command line can run.
enum ProposalMethod: String, ExpressibleByArgument, CaseIterable, Sendable {
  case slidingWindow = "sliding-window"
  case selectiveSearch = "selective-search"
  case edgeBoxes = "edge-boxes"
  case segments = "segments"
  case combined = "combined"
  case rpn = "rpn"

  static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Options shared by the commands that run proposal generators (`propose`, `evaluate`).
struct GeneratorOptions: ParsableArguments {
  @Option(
    help:
      "Keep at most this many proposals per image, best first; 0 keeps all. Default: the method's own (selective search and rpn: all their boxes; the others: 10000)."
  )
  var top: Int?

  @Option(help: "Seed of every random choice (rankings), for identical output on every run.")
  var seed: UInt64 = 0

  @Option(
    help: ArgumentHelp(
      "Selective-search preset: the paper's (Uijlings et al. 2013) or, with the opencv- prefix, OpenCV ximgproc's, computed as OpenCV 5 computes them: OpenCV's box sets on all 44 reference crops and on 210 of 216 image-preset pairs of a 72-image study (the others within 7 boxes), ranked as OpenCV ranks (small regions first, seeded).",
      valueName: "mode"))
  var mode: SelectiveSearch.Mode = .fast

  @Option(help: "Images processed at once. Default: the number of cores.")
  var jobs: Int?

  @Option(
    help:
      "Shrink images whose longer side is above this many pixels before proposing (boxes then refer to the shrunk image). Default: none, full size."
  )
  var maxSide: Int?

  @Option(help: MemoryLimitOption.help)
  var memoryLimit: String?

  @Option(help: "EdgeBoxes: IoU between neighbouring windows of the coarse search (step size).")
  var edgeBoxesAlpha: Float = 0.65

  @Option(help: "EdgeBoxes: NMS IoU threshold.")
  var edgeBoxesBeta: Float = 0.75

  @Option(help: "EdgeBoxes: boxes scoring at or below this are dropped.")
  var edgeBoxesMinScore: Float = 0.01

  @Option(
    help:
      "EdgeBoxes: refine at most this many boxes of the coarse search, the best-scoring first (the rest keep their coarse position). Default: 3 x the proposals kept."
  )
  var edgeBoxesMaxRefined: Int?

  @Flag(
    inversion: .prefixedNo,
    help: "Segments: also propose the union box of each pair of adjacent segments.")
  var segmentPairs = true

  @Option(
    help:
      "Combined: the methods to combine, comma-separated (any of selective-search, edge-boxes, segments, sliding-window)."
  )
  var combine = "selective-search,edge-boxes"

  @Option(
    help: ArgumentHelp(
      "Re-rank every method's proposals with this learned objectness model (.json from "
        + "`regionkit train objectness`): scored by the model, then near-duplicates of better "
        + "boxes moved down. Default: none, the method's own ranking."))
  var objectness: String?

  @Flag(help: "Use the --objectness model even with a method or settings it was not trained for.")
  var force = false

  @Option(help: "Combined: proposals overlapping a better one by more than this IoU are dropped.")
  var combineIou: Float = 0.8

  @Option(help: "rpn: the faster-rcnn model folder whose region proposal network proposes.")
  var model: String?

  /// The methods named by `--combine`.
  var combinedMethods: [ProposalMethod] {
    get throws {
      let names = combine.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let methods = try names.map { name in
        guard let method = ProposalMethod(rawValue: name), method != .combined, method != .rpn
        else {
          throw ValidationError(
            "--combine: \(name) is not a method to combine (\(ProposalMethod.names), except combined and rpn)"
          )
        }
        return method
      }
      guard !methods.isEmpty else { throw ValidationError("--combine: no methods given") }
      return methods
    }
  }

  /// The largest `--max-side`: 2^20 pixels, beyond any image libvips decodes whole.
  static let maximumSide = 1 << 20

  func validate() throws {
    guard edgeBoxesAlpha > 0 && edgeBoxesAlpha < 1 else {
      throw ValidationError("--edge-boxes-alpha must be in (0, 1), got \(edgeBoxesAlpha)")
    }
    guard edgeBoxesBeta > 0 && edgeBoxesBeta <= 1 else {
      throw ValidationError("--edge-boxes-beta must be in (0, 1], got \(edgeBoxesBeta)")
    }
    guard edgeBoxesMinScore.isFinite else {
      throw ValidationError("--edge-boxes-min-score must be finite, got \(edgeBoxesMinScore)")
    }
    try OptionRange.check("--edge-boxes-max-refined", edgeBoxesMaxRefined, in: 0...Int(Int32.max))
    guard combineIou > 0 && combineIou <= 1 else {
      throw ValidationError("--combine-iou must be in (0, 1], got \(combineIou)")
    }
    _ = try combinedMethods
    try OptionRange.check("--top", top, in: 0...Int(Int32.max))
    try OptionRange.check("--jobs", jobs, in: 1...1024)
    try OptionRange.check("--max-side", maxSide, in: 1...Self.maximumSide)
    if let model {
      do {
        guard try ModelFolder.architecture(in: URL(fileURLWithPath: model)) == .fasterRCNN else {
          throw ValidationError(
            "--model \(model) is not a faster-rcnn model; only Faster R-CNN has an RPN")
        }
        _ = try DetectorModel.loadFasterRCNN(from: URL(fileURLWithPath: model))
      } catch let error as ValidationError {
        throw error
      } catch {
        throw ValidationError("--model: \(error)")
      }
    }
    if let objectness {
      do {
        _ = try ObjectnessModel.load(from: URL(fileURLWithPath: objectness))
      } catch {
        throw ValidationError("--objectness: \(error)")
      }
    }
    _ = try MemoryLimitOption.budget(memoryLimit, jobs: 1)
  }

  /// Refuses an `--objectness` model trained for another method or other settings of it,
  /// unless `--force` (called by the commands' `validate()`, which know the methods).
  func validateObjectness(for methods: [ProposalMethod]) throws {
    guard let objectness, !force,
      let model = try? ObjectnessModel.load(from: URL(fileURLWithPath: objectness))
    else { return }
    for method in methods {
      do {
        try model.checkGenerator(
          name: baseGenerator(method).name, settings: settingsDescription(method), file: objectness)
      } catch {
        throw ValidationError("--objectness: \(error) (--force uses it anyway)")
      }
    }
  }

  /// The settings of `method` that change its output, as stored in objectness models:
  /// the selective-search mode, the EdgeBoxes search parameters, the segment pairs, or the
  /// combined methods and IoU. `--top`, `--seed` and `--max-side` are left out.
  func settingsDescription(_ method: ProposalMethod) -> String {
    switch method {
    case .slidingWindow: ""
    case .selectiveSearch: "mode \(mode.rawValue)"
    case .edgeBoxes:
      "alpha \(edgeBoxesAlpha), beta \(edgeBoxesBeta), min-score \(edgeBoxesMinScore)"
    case .segments: "pairs \(segmentPairs)"
    case .combined: "\(combine), iou \(combineIou)"
    case .rpn: "model \(URL(fileURLWithPath: model ?? "").lastPathComponent)"
    }
  }

  /// The generator for `method`, re-ranked by the `--objectness` model when one is given
  /// (`validate()` has checked that it loads, `validateObjectness(for:)` that it fits).
  func generator(_ method: ProposalMethod) -> any ProposalGenerator {
    let base = baseGenerator(method)
    guard let objectness,
      let model = try? ObjectnessModel.load(from: URL(fileURLWithPath: objectness)),
      let reranker = try? ObjectnessReranker(base: base, model: model, force: true)
    else { return base }
    return reranker
  }

  /// The proposal count of `--top` for a generator whose library default is `standard`
  /// (0 keeps all).
  func limit(_ standard: Int) -> Int {
    guard let top else { return standard }
    return top == 0 ? Int.max / 8 : top
  }

  /// The generator for `method` with these options, without re-ranking.
  ///
  /// - Parameters:
  ///   - method: The method.
  ///   - singleThreaded: Run selective search on the calling thread only (images are then
  ///     the unit of parallelism, and thread CPU time measures the whole search).
  ///     Default: `false`, the cores left over by `--jobs`.
  func baseGenerator(_ method: ProposalMethod, singleThreaded: Bool = false)
    -> any ProposalGenerator
  {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    return switch method {
    case .slidingWindow:
      SlidingWindow(maxProposals: limit(SlidingWindow().maxProposals), seed: seed)
    case .selectiveSearch:
      // Cores left over by the images running at once go to the strategies of each image.
      SelectiveSearch(
        mode: mode, seed: seed, maxProposals: top == 0 ? nil : top,
        threads: singleThreaded ? 1 : max(1, cores / (jobs ?? cores)))
    case .edgeBoxes:
      EdgeBoxes(
        alpha: edgeBoxesAlpha, beta: edgeBoxesBeta, minScore: edgeBoxesMinScore,
        maxBoxes: limit(EdgeBoxes().maxBoxes),
        maxRefinedBoxes: edgeBoxesMaxRefined)
    case .segments:
      SegmentBoxes(
        includePairs: segmentPairs, maxProposals: limit(SegmentBoxes().maxProposals), seed: seed)
    case .combined:
      {
        // `validate()` has checked `--combine`: at least one method (an empty
        // CombinedGenerator fails its precondition, so its default is read from this one).
        var combined = CombinedGenerator(
          ((try? combinedMethods) ?? []).map { baseGenerator($0, singleThreaded: singleThreaded) },
          iouThreshold: combineIou)
        combined.maxProposals = limit(combined.maxProposals)
        return combined
      }()
    case .rpn: rpnGenerator()
    }
  }

  /// The RPN of `--model` keeping `--top` proposals after its NMS (`validate()` has loaded it
  /// and `validateMethods(_:)` requires it with `--method rpn`).
  func rpnGenerator() -> any ProposalGenerator {
    guard var network = try? DetectorModel.loadFasterRCNN(from: URL(fileURLWithPath: model ?? ""))
    else { return SlidingWindow(maxProposals: 0) }
    // All anchors before the NMS unless --top asks for fewer boxes after it.
    let kept = limit(Int.max / 8)
    network.fast.configuration.rpnPreNMSTest = max(
      network.configuration.rpnPreNMSTest, min(kept, 100_000))
    network.fast.configuration.rpnPostNMSTest = kept
    return network
  }

  /// Refuses `--method rpn` without `--model`, and `--model` without `--method rpn`.
  func validateMethods(_ methods: [ProposalMethod]) throws {
    if methods.contains(.rpn) && model == nil {
      throw ValidationError("--method rpn needs --model, a faster-rcnn model folder")
    }
    if model != nil && !methods.contains(.rpn) {
      throw ValidationError("--model applies to --method rpn only")
    }
  }

  /// The batch runner for `method`.
  func proposer(_ method: ProposalMethod) throws -> BatchProposer {
    var proposer =
      if let jobs {
        try BatchProposer(generator: generator(method), jobs: jobs, maxSide: maxSide)
      } else {
        try BatchProposer(generator: generator(method), maxSide: maxSide)
      }
    proposer.memoryBudget = try MemoryLimitOption.budget(memoryLimit, jobs: proposer.jobs)
    return proposer
  }
}

extension SelectiveSearch.Mode: ExpressibleByArgument {}
