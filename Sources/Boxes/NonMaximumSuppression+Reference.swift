/// The slow, obviously correct NMS that the fast one is tested against: sort with an explicit
/// comparator, then keep each candidate that no kept box overlaps by more than the threshold,
/// computing every IoU with ``Box/iou(_:)``.
///
/// - Complexity: O(*n* · *k*) IoU evaluations, O(*n*) memory.
package func referenceNonMaximumSuppression(
  boxes: [Box], scores: [Float], iouThreshold: Double
) -> [Int] {
  precondition(boxes.count == scores.count, "\(boxes.count) boxes but \(scores.count) scores")
  let order = referenceScoreOrder(scores, among: Array(scores.indices))
  var kept: [Int] = []
  for candidate in order {
    let isSuppressed = kept.contains { Double(boxes[$0].iou(boxes[candidate])) > iouThreshold }
    if !isSuppressed {
      kept.append(candidate)
    }
  }
  return kept
}

/// The slow class-aware NMS: ``referenceNonMaximumSuppression(boxes:scores:iouThreshold:)``
/// on each class's boxes alone, then all kept indices in score order, ties by index.
package func referenceBatchedNonMaximumSuppression(
  boxes: [Box], scores: [Float], classIDs: [Int], iouThreshold: Double
) -> [Int] {
  precondition(boxes.count == scores.count && boxes.count == classIDs.count, "count mismatch")
  var kept: [Int] = []
  for classID in Set(classIDs) {
    let members = boxes.indices.filter { classIDs[$0] == classID }
    let keptInClass = referenceNonMaximumSuppression(
      boxes: members.map { boxes[$0] }, scores: members.map { scores[$0] },
      iouThreshold: iouThreshold)
    kept += keptInClass.map { members[$0] }
  }
  return referenceScoreOrder(scores, among: kept)
}

/// `indices` without NaN scores, by decreasing score, ties by ascending index.
private func referenceScoreOrder(_ scores: [Float], among indices: [Int]) -> [Int] {
  indices.filter { !scores[$0].isNaN }.sorted { a, b in
    scores[a] != scores[b] ? scores[a] > scores[b] : a < b
  }
}
