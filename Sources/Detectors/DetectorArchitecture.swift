/// The detector architectures a model folder can hold (`"architecture"` in `config.json`).
///
/// Only ``classifyLocalize`` exists so far; the R-CNN family will add cases here.
public enum DetectorArchitecture: String, Sendable, Hashable, Codable, CaseIterable {
  /// ``ClassifyAndLocalize``: one class and one box per image.
  case classifyLocalize = "classify-localize"
  /// ``FastRCNN``: proposals from a `ProposalGenerator`, RoI pooling, a K+1-way head.
  case fastRCNN = "fast-rcnn"
  /// ``FasterRCNN``: a region proposal network and the Fast R-CNN head on one backbone.
  case fasterRCNN = "faster-rcnn"
}
