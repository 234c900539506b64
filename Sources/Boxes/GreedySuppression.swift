/// The greedy suppression loop shared by ``nonMaximumSuppression(boxes:scores:iouThreshold:)``
/// and ``batchedNonMaximumSuppression(boxes:scores:classIDs:iouThreshold:)``.
///
/// `order` lists the candidates in visiting order (decreasing score). The candidates are copied
/// once into coordinate arrays with precomputed areas. The first remaining candidate is kept;
/// a branch-free pass over the remaining ones flags those whose IoU with it exceeds the
/// threshold, and, when any is flagged, a second pass packs the survivors to the front, so
/// each later pass reads fewer candidates, sequentially.
///
/// - Returns: The kept indices, in visiting order.
/// - Complexity: O(*n* · *k*) time for *n* candidates and *k* kept boxes, O(*n*) memory.
func greedySuppression(boxes: [Box], order: [Int], iouThreshold: Double) -> [Int] {
  let count = order.count
  guard count > 0 else { return [] }
  let threshold = floatThreshold(iouThreshold)
  let coordinates = UnsafeMutablePointer<Float>.allocate(capacity: 5 * count)
  defer { coordinates.deallocate() }
  let ids = UnsafeMutablePointer<Int>.allocate(capacity: count)
  defer { ids.deallocate() }
  let x1 = coordinates
  let y1 = coordinates + count
  let x2 = coordinates + 2 * count
  let y2 = coordinates + 3 * count
  let area = coordinates + 4 * count
  boxes.withUnsafeBufferPointer { boxes in
    for (position, index) in order.enumerated() {
      let box = boxes[index]
      x1[position] = box.x1
      y1[position] = box.y1
      x2[position] = box.x2
      y2[position] = box.y2
      area[position] = box.area
      ids[position] = index
    }
  }

  let isSuppressed = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
  defer { isSuppressed.deallocate() }

  var kept: [Int] = []
  var remaining = count
  var head = 0
  while head < remaining {
    kept.append(ids[head])
    let keptX1 = x1[head]
    let keptY1 = y1[head]
    let keptX2 = x2[head]
    let keptY2 = y2[head]
    let keptArea = area[head]
    let first = head + 1
    // Pass 1 (branch-free, vectorisable): flag the candidates this box suppresses. A NaN IoU
    // (zero-area pairs, NaN coordinates) never suppresses, as in torchvision.
    var anySuppressed: UInt8 = 0
    for read in first..<remaining {
      let width = Box.positivePart(
        Box.fastSmaller(keptX2, x2[read]) - Box.fastLarger(keptX1, x1[read]))
      let height = Box.positivePart(
        Box.fastSmaller(keptY2, y2[read]) - Box.fastLarger(keptY1, y1[read]))
      let inter = width * height
      let iou = inter / (keptArea + area[read] - inter)
      let flag: UInt8 = iou > threshold ? 1 : 0
      isSuppressed[read] = flag
      anySuppressed |= flag
    }
    // Pass 2, only when something was suppressed: pack the survivors to the front, starting
    // at the first suppressed candidate.
    if anySuppressed != 0 {
      var write = first
      while isSuppressed[write] == 0 {
        write += 1
      }
      for read in (write + 1)..<remaining where isSuppressed[read] == 0 {
        x1[write] = x1[read]
        y1[write] = y1[read]
        x2[write] = x2[read]
        y2[write] = y2[read]
        area[write] = area[read]
        ids[write] = ids[read]
        write += 1
      }
      remaining = write
    }
    head += 1
  }
  return kept
}

/// The largest `Float` not above `threshold`, so that for every `Float` IoU `v`,
/// `v > floatThreshold(t)` exactly when `Double(v) > t`: torchvision compares its float IoU
/// with the threshold as a C++ `double`, and this keeps that decision without a conversion
/// in the inner loop.
func floatThreshold(_ threshold: Double) -> Float {
  precondition(!threshold.isNaN, "iouThreshold must not be NaN")
  let rounded = Float(threshold)
  return Double(rounded) > threshold ? rounded.nextDown : rounded
}
