import Imaging
import ProposalIO

/// Re-ranks any generator's proposals with an ``ObjectnessModel``: each proposal is scored by
/// the model from its ``ObjectnessFeatures`` cues (which include its rank, level and score in
/// the base generator), then the list is reordered by ``diverseOrder(boxes:scores:redundancyExponent:)``
/// so that near-duplicates of boxes already ranked move down.
///
/// Nothing is dropped: the output holds the base generator's proposals, reordered, with the
/// discounted model probability as score (non-increasing along the list). Provenance is kept
/// unchanged (its `method` stays the base generator's); the re-ranking shows in ``name``
/// (`"<base>+objectness"`) and in the scores. Ties keep the base order, so the output is
/// deterministic and does not depend on the thread count.
///
///     let model = try ObjectnessModel.load(from: URL(fileURLWithPath: "objectness.json"))
///     let reranked = try ObjectnessReranker(base: EdgeBoxes(maxBoxes: 2000), model: model)
///     let proposals = try reranked.proposals(for: image)
///
/// - Complexity: the base generator's cost, plus O(pixels) for the cue tables on the working
///   image, O(*N* · *S*) for *N* proposals and *S* superpixels, and O(*N*²) for the diversity
///   step (about a fifth of selective search's fast mode or of EdgeBoxes per coco-tiny image
///   with *N* = 2000, Docs/objectness.md).
public struct ObjectnessReranker: ProposalGenerator {
  /// The generator whose proposals are re-ranked.
  public var base: any ProposalGenerator
  /// The trained model.
  public var model: ObjectnessModel

  /// Creates a re-ranker, refusing a base generator the model was not trained for.
  ///
  /// - Parameters:
  ///   - base: The generator whose proposals are re-ranked.
  ///   - model: The trained model (``ObjectnessModel/validate(file:)`` passed).
  ///   - generatorSettings: The base generator's output-changing settings, described as at
  ///     training, to compare with the model's; `nil` compares only the name. Default: `nil`.
  ///   - force: Use the model even with another generator. Default: `false`.
  /// - Throws: ``ObjectnessError/generatorMismatch(file:trainedFor:given:)`` unless `force`.
  public init(
    base: any ProposalGenerator, model: ObjectnessModel, generatorSettings: String? = nil,
    force: Bool = false
  ) throws(ObjectnessError) {
    if !force { try model.checkGenerator(name: base.name, settings: generatorSettings) }
    self.base = base
    self.model = model
  }

  public var name: String { "\(base.name)+objectness" }

  public func proposals(for image: Image) throws -> [Proposal] {
    try rerank(try base.proposals(for: image), in: image)
  }

  /// Re-ranks proposals of `image` made by the base generator (or read from a file).
  ///
  /// - Parameters:
  ///   - proposals: The base generator's proposals, best first.
  ///   - image: The image they were made on (RGB or grey, values in `[0, 1]`).
  /// - Returns: The same proposals, reordered, scored by the model.
  /// - Throws: Errors of ``ObjectnessFeatures/init(image:settings:)``.
  public func rerank(_ proposals: [Proposal], in image: Image) throws -> [Proposal] {
    guard !proposals.isEmpty else { return [] }
    let rgb = image.channels == 1 ? Image(stackingChannels: [image, image, image]) : image
    let cues = try ObjectnessFeatures(image: rgb, settings: model.cues)
    return model.rank(
      proposals,
      cues: proposals.indices.map {
        cues.features(for: proposals[$0], rank: $0, count: proposals.count)
      })
  }
}
