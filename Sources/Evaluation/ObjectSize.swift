/// COCO's size classes of an object, by area in square pixels.
///
/// `small` is below 32², `medium` below 96², `large` the rest (half-open ranges, so every
/// object is in exactly one class). Proposal recall classifies ground truth by its **box**
/// area `width * height`; COCO itself uses the segmentation area (see ``COCOEvaluation``,
/// which uses ``/Datasets/Annotation/area`` when the dataset has it).
///
///     ObjectSize(area: 40 * 40)   // .medium
public enum ObjectSize: String, Sendable, Hashable, Codable, CaseIterable {
  /// Area below 32² = 1024 square pixels.
  case small
  /// Area from 32² up to, not including, 96² = 9216 square pixels.
  case medium
  /// Area of 96² square pixels or more.
  case large

  /// The size class of an area.
  ///
  /// - Parameter area: The area, in square pixels.
  public init(area: Double) {
    if area < 32 * 32 {
      self = .small
    } else if area < 96 * 96 {
      self = .medium
    } else {
      self = .large
    }
  }
}
