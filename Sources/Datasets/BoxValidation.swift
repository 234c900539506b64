import Boxes

/// Checks one ground-truth box against its image, as every reader does.
///
/// In order: a non-finite coordinate drops the box; a negative width or height (inverted
/// corners) drops it; a box reaching outside `[0, width] x [0, height]` is clipped with a
/// warning; a box with no area (after clipping) is dropped. Returns the box to keep, or `nil`,
/// and the warnings to record (the caller fills in the file and annotation).
enum BoxValidation {
  static func check(_ box: Box, imageWidth: Int, imageHeight: Int) -> (
    box: Box?, problems: [DatasetWarning.Problem]
  ) {
    guard box.isFinite else { return (nil, [.nonFiniteBox]) }
    guard box.x2 >= box.x1, box.y2 >= box.y1 else { return (nil, [.invertedBox(box)]) }
    let width = Float(imageWidth)
    let height = Float(imageHeight)
    var problems: [DatasetWarning.Problem] = []
    var clipped = box
    if box.x1 < 0 || box.y1 < 0 || box.x2 > width || box.y2 > height {
      clipped = Box(
        x1: min(max(box.x1, 0), width), y1: min(max(box.y1, 0), height),
        x2: min(max(box.x2, 0), width), y2: min(max(box.y2, 0), height))
      problems.append(.clippedToImage(original: box, clipped: clipped))
    }
    if clipped.isDegenerate {
      // The clip warning is replaced: the box is gone, and emptyBox shows where it was.
      return (nil, [.emptyBox(box)])
    }
    return (clipped, problems)
  }
}
