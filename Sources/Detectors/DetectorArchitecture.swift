/// The detector architectures a model folder can hold (`"architecture"` in `config.json`).
///
/// Only ``classifyLocalize`` exists so far; the R-CNN family will add cases here.
public enum DetectorArchitecture: String, Sendable, Hashable, Codable, CaseIterable {
  /// ``ClassifyAndLocalize``: one class and one box per image.
  case classifyLocalize = "classify-localize"
  /// ``RCNN``: proposals, warped crops and a ``RegionClassifier`` (``RCNNBackend``).
  case rcnn = "rcnn"
}
