/// Greedy non-maximum suppression: keeps the best-scoring boxes and drops every box that
/// overlaps an already kept box by more than `iouThreshold`.
///
/// Boxes are visited by decreasing score; equal scores are visited by ascending index (a
/// stable descending sort, as torchvision's CPU `nms`). A visited box is kept unless an
/// earlier kept box has IoU with it strictly greater than `iouThreshold`, so an IoU exactly
/// equal to the threshold does not suppress.
///
///     let keep = nonMaximumSuppression(boxes: proposals, scores: scores, iouThreshold: 0.7)
///     let best = keep.prefix(2000).map { proposals[$0] }
///
/// - Parameters:
///   - boxes: The boxes, `(x1, y1, x2, y2)` in pixels.
///   - scores: One score per box; higher is better. Boxes whose score is NaN are dropped:
///     they are never kept and never suppress another box (torchvision would sort them first
///     and keep them).
///   - iouThreshold: The IoU above which a lower-scoring box is suppressed, a fraction in
///     `[0, 1]`. It is compared as a `Double`, like torchvision's C++ kernel, so `0.3`
///     means the double `0.3`, not the float nearest to it.
/// - Returns: The indices of the kept boxes, by decreasing score, ties by ascending index.
///   Equal to torchvision's `nms` output for boxes without NaN coordinates and scores.
/// - Complexity: O(*n* log *n* + *n* · *k*) time for *n* boxes and *k* kept boxes, O(*n*)
///   memory (no IoU matrix).
///
/// Boxes with a NaN coordinate have NaN IoU with every box, so they neither suppress nor
/// are suppressed; two zero-area boxes have NaN IoU (`0 / 0`) and both stay. These match
/// torchvision. Checked against `Fixtures/goldens/nms.json` (exact indices), and against
/// the slow reference implementation on seeded random input.
///
/// Reference: torchvision `ops.nms` (CPU kernel `nms_kernel.cpp`); the greedy procedure goes
/// back to A. Neubeck, L. Van Gool, "Efficient Non-Maximum Suppression", ICPR 2006.
/// <https://doi.org/10.1109/ICPR.2006.479>
public func nonMaximumSuppression(boxes: [Box], scores: [Float], iouThreshold: Double) -> [Int] {
  precondition(
    boxes.count == scores.count,
    "nonMaximumSuppression: \(boxes.count) boxes but \(scores.count) scores")
  return greedySuppression(
    boxes: boxes, order: descendingScoreOrder(scores), iouThreshold: iouThreshold)
}
