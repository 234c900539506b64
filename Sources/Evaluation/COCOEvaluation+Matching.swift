extension COCOEvaluation {
  /// pycocotools' `evaluateImg` result for one image, category and area range.
  struct ImageMatches {
    /// Scores of the ranked detections (at most the largest `maxDets`).
    var scores: [Double]
    /// `matched[t][d]`: detection `d` matched an object at threshold `t`.
    var matched: [[Bool]]
    /// `ignored[t][d]`: detection `d` counts neither as true nor as false positive.
    var ignored: [[Bool]]
    /// Whether each object is ignored (crowd, difficult, or area outside the range).
    var objectIgnored: [Bool]
  }

  /// Greedy matching of one image and category at every IoU threshold (`evaluateImg`).
  ///
  /// - Parameters:
  ///   - objects: The ground truth, in source order.
  ///   - detections: The detections, ranked and cut at the largest `maxDets`.
  ///   - overlaps: `overlaps[d][g]`, IoU (intersection / detection area for crowds).
  ///   - range: The area range.
  /// - Returns: `nil` when there are neither objects nor detections.
  func match(
    objects: [Object], detections: [Scored], overlaps: [[Double]], range: AreaRange
  ) -> ImageMatches? {
    if objects.isEmpty && detections.isEmpty { return nil }
    let thresholds = configuration.iouThresholds
    let ignoredInRange = objects.map { $0.isIgnored || !range.contains($0.area) }
    // Objects that count first, ignored ones last, each group in source order.
    let order =
      objects.indices.filter { !ignoredInRange[$0] }
      + objects.indices.filter { ignoredInRange[$0] }
    let isIgnored = order.map { ignoredInRange[$0] }
    let isCrowd = order.map { objects[$0].isCrowd }
    var matched = [[Bool]](
      repeating: [Bool](repeating: false, count: detections.count), count: thresholds.count)
    var ignored = matched
    if !objects.isEmpty {
      for (t, threshold) in thresholds.enumerated() {
        var taken = [Bool](repeating: false, count: order.count)
        for d in detections.indices {
          var best = min(threshold, 1 - 1e-10)
          var m = -1
          for position in order.indices {
            if taken[position] && !isCrowd[position] { continue }
            // Once a counted object matched, stop at the first ignored one.
            if m > -1 && !isIgnored[m] && isIgnored[position] { break }
            let overlap = overlaps[d][order[position]]
            if overlap < best { continue }
            best = overlap
            m = position
          }
          guard m > -1 else { continue }
          ignored[t][d] = isIgnored[m]
          matched[t][d] = true
          taken[m] = true
        }
      }
    }
    for d in detections.indices where !range.contains(detections[d].area) {
      for t in thresholds.indices where !matched[t][d] { ignored[t][d] = true }
    }
    return ImageMatches(
      scores: detections.map(\.score), matched: matched, ignored: ignored,
      objectIgnored: isIgnored)
  }
}
