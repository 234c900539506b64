/// The detector architectures a model folder can hold (`"architecture"` in `config.json`).
///
/// Each case has its own ``ModelConfiguration`` type; ``DetectorModel`` loads them all.
public enum DetectorArchitecture: String, Sendable, Hashable, Codable, CaseIterable {
  /// ``ClassifyAndLocalize``: one class and one box per image.
  case classifyLocalize = "classify-localize"
  /// ``RCNN``: proposals, warped crops and a ``RegionClassifier`` (``RCNNBackend``).
  case rcnn = "rcnn"
  /// ``FastRCNN``: proposals from a `ProposalGenerator`, RoI pooling, a K+1-way head.
  case fastRCNN = "fast-rcnn"
  /// ``FasterRCNN``: a region proposal network and the Fast R-CNN head on one backbone.
  case fasterRCNN = "faster-rcnn"
}
