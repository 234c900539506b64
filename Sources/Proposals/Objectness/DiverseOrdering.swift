import Boxes
import Foundation

/// Orders scored boxes so that near-duplicates of boxes already ranked move down: a greedy
/// pass that repeatedly takes the box of highest discounted score `s · (1 − m^γ)`, where
/// *s* is its own score and *m* its largest IoU with the boxes taken before it.
///
/// A maximal-marginal-relevance ranking (Carbonell & Goldstein 1998) with a multiplicative
/// redundancy discount, like soft-NMS (Bodla et al. 2017) but discounting by the largest
/// overlap rather than by the product over all earlier boxes, so a box is never pushed below
/// much weaker boxes by many mild overlaps. Nothing is dropped, only reordered: a shifted
/// copy of a confident object still outranks clearly weaker boxes (what a one-object image
/// needs for recall at high IoU), while among boxes of similar score a new object comes
/// before a second copy of a found one (what a many-object image needs).
///
///     let order = diverseOrder(boxes: boxes, scores: probabilities, redundancyExponent: 2)
///     let reranked = order.map { boxes[$0.index] }
///
/// - Parameters:
///   - boxes: The boxes.
///   - scores: One score `>= 0` per box, larger is better.
///   - redundancyExponent: γ, `>= 0`; larger discounts only stronger overlaps. `0` turns the
///     discount off (plain score order). Default in ``ObjectnessModel``: `2`, tuned by
///     cross-validation on coco-tiny (Docs/objectness.md).
/// - Returns: Every index once, with its discounted score when taken; the scores do not
///   increase along the list. Ties go to the lower index, so the order is deterministic.
/// - Complexity: O(*n*²) time, O(*n*) memory.
///
/// References: J. Carbonell, J. Goldstein, "The Use of MMR, Diversity-Based Reranking for
/// Reordering Documents and Producing Summaries", SIGIR 1998,
/// <https://doi.org/10.1145/290941.291025>; N. Bodla, B. Singh, R. Chellappa, L. S. Davis,
/// "Soft-NMS — Improving Object Detection With One Line of Code", ICCV 2017,
/// <https://doi.org/10.1109/ICCV.2017.593>.
public func diverseOrder(boxes: [Box], scores: [Float], redundancyExponent: Float)
  -> [(index: Int, score: Float)]
{
  precondition(
    boxes.count == scores.count, "diverseOrder: \(boxes.count) boxes, \(scores.count) scores")
  precondition(
    scores.allSatisfy { $0 >= 0 && $0.isFinite }, "diverseOrder: scores must be finite and >= 0")
  precondition(
    redundancyExponent >= 0 && redundancyExponent.isFinite,
    "diverseOrder: redundancyExponent must be finite and >= 0, got \(redundancyExponent)")
  let n = boxes.count
  if n == 0 { return [] }
  if redundancyExponent == 0 {
    return scores.enumerated().sorted {
      $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset
    }
    .map { ($0.offset, $0.element) }
  }
  let x1 = boxes.map(\.x1), y1 = boxes.map(\.y1), x2 = boxes.map(\.x2), y2 = boxes.map(\.y2)
  let area = boxes.map { max(0, $0.x2 - $0.x1) * max(0, $0.y2 - $0.y1) }
  let gamma = redundancyExponent
  func discount(_ m: Float) -> Float {
    gamma == 2 ? 1 - m * m : gamma == 1 ? 1 - m : 1 - Float(pow(Double(m), Double(gamma)))
  }
  var overlap = [Float](repeating: 0, count: n)
  var current = scores
  var alive = Array(0..<n)  // ascending indices: the first maximum is the lowest index
  var order: [(index: Int, score: Float)] = []
  order.reserveCapacity(n)
  var best = 0
  for (position, i) in alive.enumerated() where current[i] > current[alive[best]] {
    best = position
  }
  while !alive.isEmpty {
    let j = alive.remove(at: best)
    order.append((j, current[j]))
    best = 0
    let jx1 = x1[j], jy1 = y1[j], jx2 = x2[j], jy2 = y2[j], ja = area[j]
    for position in alive.indices {
      let i = alive[position]
      let w = min(jx2, x2[i]) - max(jx1, x1[i])
      let h = min(jy2, y2[i]) - max(jy1, y1[i])
      if w > 0 && h > 0 {
        let inter = w * h
        let union = ja + area[i] - inter
        let iou = union > 0 ? inter / union : 0
        if iou > overlap[i] {
          overlap[i] = iou
          current[i] = scores[i] * discount(iou)
        }
      }
      if current[i] > current[alive[best]] { best = position }
    }
  }
  return order
}
