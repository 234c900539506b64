import ArgumentParser
import Detectors
import Foundation
import ProposalIO

/// Where R-CNN and Fast R-CNN take their proposals from: a method run on each image or a file.
struct ProposalInputOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "A proposal method run on each image (fast-rcnn: \(ProposalMethodName.known.joined(separator: ", ")); rcnn: selective-search), or a proposals file (.jsonl as `regionkit propose` writes it, .npz as `regionkit merge` writes it) matched by image file name. Default: the model's own method (selective-search when training a new model).",
      valueName: "method-or-file"))
  var proposals: String?

  @Flag(
    help: "Leave out images the --proposals file has nothing for (counted) instead of stopping.")
  var skipMissing = false

  func validate() throws {
    guard let proposals, !ProposalMethodName.known.contains(proposals) else {
      if skipMissing {
        throw ValidationError("--skip-missing applies to a --proposals file (.jsonl or .npz) only")
      }
      return
    }
    let ext = URL(fileURLWithPath: proposals).pathExtension.lowercased()
    guard ext == "jsonl" || ext == "npz" else {
      throw ValidationError(
        "--proposals \(proposals) is neither a method (\(ProposalMethodName.known.joined(separator: ", "))) nor a .jsonl or .npz file"
      )
    }
    guard FileManager.default.fileExists(atPath: proposals) else {
      throw ValidationError("--proposals: \(proposals) does not exist")
    }
  }

  /// The proposal file given, nil for a method or nothing.
  func file() throws -> PrecomputedProposals? {
    guard let proposals, !ProposalMethodName.known.contains(proposals) else { return nil }
    return try PrecomputedProposals(contentsOf: URL(fileURLWithPath: proposals))
  }

  /// The source: the file or the method named (with `maxProposals` kept), nil when not given.
  func source(maxProposals: Int) throws -> ProposalSource? {
    if let file = try file() { return .file(file) }
    guard let proposals else { return nil }
    return ProposalMethodName.generator(named: proposals, maxProposals: maxProposals).map {
      .generator($0)
    }
  }
}
