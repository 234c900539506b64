import Imaging
import Segmentation

/// Re-scores any generator's proposals with an ``ObjectnessModel`` and re-sorts them.
///
/// Each proposal's score becomes the model probability computed from its
/// ``ObjectnessFeatures`` (which include its normalised rank in the base generator), and the
/// list is sorted by decreasing score; ties keep the base order (stable sort), so the output
/// is deterministic. Provenance is kept unchanged (its `method` stays the base generator's);
/// the re-scoring shows in ``name`` (`"<base>+objectness"`) and in the scores.
///
///     let reranked = ObjectnessReranker(base: EdgeBoxes(), model: model)
///     let proposals = try reranked.proposals(for: image)
///
/// - Parameters:
///   - base: The generator whose proposals are re-scored.
///   - model: The trained model.
///   - superpixels: SLIC settings for the straddling cue; must match training.
///     Default: `SLIC(segments: 200)`.
/// - Complexity: the base generator's cost, plus O(pixels) for the feature tables and
///   O(*N* · *S*) for *N* proposals and *S* superpixels, plus O(*N* log *N*) sorting.
public struct ObjectnessReranker: ProposalGenerator {
  public var base: any ProposalGenerator
  public var model: ObjectnessModel
  public var superpixels: SLIC

  public init(
    base: any ProposalGenerator, model: ObjectnessModel, superpixels: SLIC = SLIC(segments: 200)
  ) {
    self.base = base
    self.model = model
    self.superpixels = superpixels
  }

  public var name: String { "\(base.name)+objectness" }

  public func proposals(for image: Image) throws -> [Proposal] {
    let proposals = try base.proposals(for: image)
    guard !proposals.isEmpty else { return [] }
    let features = try ObjectnessFeatures(image: image, superpixels: superpixels)
    let scored = proposals.enumerated().map { i, p in
      var q = p
      q.score = model.probability(features.features(for: p.box, rank: i, count: proposals.count))
      return (i, q)
    }
    return scored.sorted { a, b in a.1.score != b.1.score ? a.1.score > b.1.score : a.0 < b.0 }
      .map(\.1)
  }
}
