import Boxes
import Foundation
import Imaging
import ProposalIO
import Proposals

/// Where R-CNN and Fast R-CNN get their regions: a proposal method run on each image, or a
/// file of precomputed proposals matched by image name.
///
///     let source = ProposalSource.file(try PrecomputedProposals(contentsOf: url))
///     let boxes = try source.boxes(for: image, named: "000001.jpg", maxProposals: 2000)
public enum ProposalSource: Sendable {
  /// A generator, run on the image given.
  case generator(any ProposalGenerator)
  /// Proposals from a `.jsonl` or `.npz` file, by image name.
  case file(PrecomputedProposals)

  /// The generator's name or the file's name, as stored in a model's training settings.
  public var name: String {
    switch self {
    case .generator(let generator): generator.name
    case .file(let file): file.url.lastPathComponent
    }
  }

  /// The best `maxProposals` non-degenerate proposal boxes of `image`, in its pixels.
  ///
  /// - Parameters:
  ///   - image: The image as decoded (a file's boxes are rescaled to its size).
  ///   - name: The image's name in the dataset (`file_name`), to find it in a file.
  ///   - maxProposals: How many to keep, best first.
  /// - Throws: ``DetectorsError/missingProposals(file:image:)`` when a file has none for
  ///   `name`; the generator's errors.
  public func boxes(for image: Image, named name: String, maxProposals: Int) throws -> [Box] {
    let proposals: [Proposal]
    switch self {
    case .generator(let generator):
      proposals = try generator.proposals(for: image)
    case .file(let file):
      guard let found = file.proposals(forImage: name, width: image.width, height: image.height)
      else {
        throw DetectorsError.missingProposals(file: file.url.path, image: name)
      }
      proposals = found
    }
    return Array(
      proposals.lazy.map(\.box).filter { !$0.isDegenerate }.prefix(maxProposals))
  }
}
