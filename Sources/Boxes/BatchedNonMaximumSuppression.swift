/// Class-aware non-maximum suppression: runs ``nonMaximumSuppression(boxes:scores:iouThreshold:)``
/// independently within each class, so boxes of different classes never suppress each other.
///
/// The boxes are sorted once by decreasing score (ties by ascending index), partitioned by
/// class in that order, suppressed class by class, and the kept boxes of all classes are
/// merged back into the global order.
///
///     let keep = batchedNonMaximumSuppression(
///       boxes: detections, scores: scores, classIDs: labels, iouThreshold: 0.5)
///
/// - Parameters:
///   - boxes: The boxes, `(x1, y1, x2, y2)` in pixels.
///   - scores: One score per box; higher is better. NaN scores are dropped, as in
///     ``nonMaximumSuppression(boxes:scores:iouThreshold:)``.
///   - classIDs: One class identifier per box; any integers (torchvision's `idxs`).
///   - iouThreshold: The IoU above which a lower-scoring box of the same class is suppressed,
///     compared as a `Double`.
/// - Returns: The kept indices across all classes, by decreasing score, ties by ascending
///   index.
/// - Complexity: O(*n* log *n* + Σ *n*_c · *k*_c) for *n*_c boxes and *k*_c kept boxes in
///   class *c*; O(*n*) memory.
///
/// torchvision's `batched_nms` offsets each class's boxes by `class · (max coordinate + 1)`
/// and runs one `nms` (the "coordinate trick", used on CPU up to 1000 boxes), or loops over
/// classes and re-sorts without a stable sort (above 1000 boxes). This function gives the
/// coordinate trick's indices in its order whenever the offset does not change the float IoU
/// of a pair (always for coordinates that stay exact, such as integers; the trick's offset can
/// round coordinates, the per-class loop never does). Checked against
/// `Fixtures/goldens/nms.json` (exact indices and order).
public func batchedNonMaximumSuppression(
  boxes: [Box], scores: [Float], classIDs: [Int], iouThreshold: Double
) -> [Int] {
  precondition(
    boxes.count == scores.count && boxes.count == classIDs.count,
    "batchedNonMaximumSuppression: \(boxes.count) boxes, \(classIDs.count) class ids and "
      + "\(scores.count) scores")
  let order = descendingScoreOrder(scores)
  var classes: [Int: [Int]] = [:]
  for index in order {
    classes[classIDs[index], default: []].append(index)
  }
  if classes.count <= 1 {
    return greedySuppression(boxes: boxes, order: order, iouThreshold: iouThreshold)
  }
  var rank = [Int](repeating: 0, count: boxes.count)
  for (position, index) in order.enumerated() {
    rank[index] = position
  }
  var keptRanks: [Int] = []
  for members in classes.values {
    for index in greedySuppression(boxes: boxes, order: members, iouThreshold: iouThreshold) {
      keptRanks.append(rank[index])
    }
  }
  keptRanks.sort()
  return keptRanks.map { order[$0] }
}
