/// The precision and recall tables of a ``COCOEvaluation`` and pycocotools' 12 summary numbers.
///
/// Tables use pycocotools' layout and its `-1` for "no ground truth to evaluate": precision
/// is indexed by IoU threshold *t*, recall point *r*, category *k* (ascending id), area range
/// *a* and detection limit *m*; recall by *t*, *k*, *a*, *m*.
///
///     let result = try COCOEvaluation().evaluate(detections: detections, dataset: dataset)
///     result.stats                                  // [AP, AP50, AP75, APs, APm, APl, AR1, ...]
///     result.averagePrecision(categoryID: 18)       // AP@[.5:.95] of one category
public struct COCOEvaluationResult: Sendable {
  /// The parameters used.
  public var configuration: COCOEvaluation.Configuration
  /// Category ids in ascending order: the *k* axis.
  public var categoryIDs: [Int]
  /// Number of images evaluated.
  public var imageCount: Int
  /// Interpolated precision, flattened `[T][R][K][A][M]`; `-1` where the category has no
  /// counted object in the area range.
  public private(set) var precision: [Double]
  /// Final recall, flattened `[T][K][A][M]`; `-1` likewise.
  public private(set) var recall: [Double]

  /// Names of ``stats``, in order, as `summarize()` prints them.
  public static let statNames = [
    "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl",
  ]

  init(configuration: COCOEvaluation.Configuration, categoryIDs: [Int], imageCount: Int) {
    self.configuration = configuration
    self.categoryIDs = categoryIDs
    self.imageCount = imageCount
    let t = configuration.iouThresholds.count
    let r = configuration.recallThresholds.count
    let a = configuration.areaRanges.count
    let m = configuration.maxDetections.count
    precision = [Double](repeating: -1, count: t * r * categoryIDs.count * a * m)
    recall = [Double](repeating: -1, count: t * categoryIDs.count * a * m)
  }

  /// Interpolated precision at one cell.
  ///
  /// - Parameters:
  ///   - t: IoU threshold index.
  ///   - r: Recall point index.
  ///   - k: Category index (into ``categoryIDs``).
  ///   - a: Area range index.
  ///   - m: Detection limit index.
  /// - Returns: Precision in 0...1, or `-1`.
  public func precision(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double {
    let c = configuration
    let index =
      (((t * c.recallThresholds.count + r) * categoryIDs.count + k) * c.areaRanges.count + a)
      * c.maxDetections.count + m
    return precision[index]
  }

  /// Recall at one cell.
  ///
  /// - Parameters:
  ///   - t: IoU threshold index.
  ///   - k: Category index (into ``categoryIDs``).
  ///   - a: Area range index.
  ///   - m: Detection limit index.
  /// - Returns: Recall in 0...1, or `-1`.
  public func recall(t: Int, k: Int, a: Int, m: Int) -> Double {
    let c = configuration
    return recall[
      ((t * categoryIDs.count + k) * c.areaRanges.count + a) * c.maxDetections.count + m]
  }

  /// pycocotools' `_summarize`: the mean of the table's entries that are not `-1`.
  ///
  /// - Parameters:
  ///   - usePrecision: `true` for AP, `false` for AR.
  ///   - iouThreshold: One threshold (compared with `==`, as pycocotools), or `nil` for all.
  ///   - area: An area range name. Default: `"all"`.
  ///   - maxDetections: A detection limit. Default: `100`.
  ///   - category: One category id, or `nil` for all. Default: `nil`.
  /// - Returns: The mean, or `-1` when no entry qualifies.
  public func summarize(
    precision usePrecision: Bool, iouThreshold: Double? = nil, area: String = "all",
    maxDetections: Int = 100, category: Int? = nil
  ) -> Double {
    let c = configuration
    guard let a = c.areaRanges.firstIndex(where: { $0.name == area }),
      let m = c.maxDetections.firstIndex(of: maxDetections)
    else { return -1 }
    let thresholds = c.iouThresholds.indices.filter {
      iouThreshold == nil || c.iouThresholds[$0] == iouThreshold
    }
    let categories = categoryIDs.indices.filter { category == nil || categoryIDs[$0] == category }
    var sum = 0.0
    var count = 0
    for t in thresholds {
      for k in categories {
        if usePrecision {
          for r in c.recallThresholds.indices {
            let value = self.precision(t: t, r: r, k: k, a: a, m: m)
            if value > -1 {
              sum += value
              count += 1
            }
          }
        } else {
          let value = recall(t: t, k: k, a: a, m: m)
          if value > -1 {
            sum += value
            count += 1
          }
        }
      }
    }
    return count == 0 ? -1 : sum / Double(count)
  }

  /// pycocotools' `stats`: AP, AP50, AP75, AP small/medium/large (100 detections), AR with
  /// 1, 10, 100 detections, AR small/medium/large (100 detections). `-1` where undefined.
  public var stats: [Double] {
    let limits = configuration.maxDetections
    let most = limits.last ?? 100
    return [
      summarize(precision: true, maxDetections: most),
      summarize(precision: true, iouThreshold: 0.5, maxDetections: most),
      summarize(precision: true, iouThreshold: 0.75, maxDetections: most),
      summarize(precision: true, area: "small", maxDetections: most),
      summarize(precision: true, area: "medium", maxDetections: most),
      summarize(precision: true, area: "large", maxDetections: most),
      summarize(precision: false, maxDetections: limits.first ?? 1),
      summarize(precision: false, maxDetections: limits.count > 1 ? limits[1] : most),
      summarize(precision: false, maxDetections: most),
      summarize(precision: false, area: "small", maxDetections: most),
      summarize(precision: false, area: "medium", maxDetections: most),
      summarize(precision: false, area: "large", maxDetections: most),
    ]
  }

  /// AP@[.5:.95] over all categories, all areas, 100 detections (`stats[0]`).
  public var averagePrecision: Double { stats[0] }

  /// AP of one category, over all areas with the largest detection limit.
  ///
  /// - Parameters:
  ///   - categoryID: The dataset's category id.
  ///   - iouThreshold: One IoU threshold, or `nil` for the mean over all. Default: `nil`.
  /// - Returns: The AP, or `nil` when the category has no counted object.
  public func averagePrecision(categoryID: Int, iouThreshold: Double? = nil) -> Double? {
    let value = summarize(
      precision: true, iouThreshold: iouThreshold,
      maxDetections: configuration.maxDetections.last ?? 100, category: categoryID)
    return value > -1 ? value : nil
  }

  /// The 12 lines pycocotools' `summarize()` prints, with the same layout.
  public var summaryLines: [String] {
    let limits = configuration.maxDetections
    let most = limits.last ?? 100
    let rows: [(Bool, Double?, String, Int)] = [
      (true, nil, "all", most), (true, 0.5, "all", most), (true, 0.75, "all", most),
      (true, nil, "small", most), (true, nil, "medium", most), (true, nil, "large", most),
      (false, nil, "all", limits.first ?? 1),
      (false, nil, "all", limits.count > 1 ? limits[1] : most), (false, nil, "all", most),
      (false, nil, "small", most), (false, nil, "medium", most), (false, nil, "large", most),
    ]
    let values = stats
    return rows.enumerated().map { index, row in
      let (isPrecision, threshold, area, limit) = row
      let title = isPrecision ? "Average Precision" : "Average Recall"
      let kind = isPrecision ? "(AP)" : "(AR)"
      let iou =
        threshold.map {
          String(format: "%0.2f", $0).padding(toLength: 9, withPad: " ", startingAt: 0)
        }
        ?? String(
          format: "%0.2f:%0.2f", configuration.iouThresholds.first ?? 0,
          configuration.iouThresholds.last ?? 0)
      let paddedArea = String(repeating: " ", count: max(0, 6 - area.count)) + area
      let paddedLimit = String(format: "%3d", limit)
      let name = title.padding(toLength: 18, withPad: " ", startingAt: 0)
      let value = String(format: "%0.3f", values[index])
      return
        " \(name) \(kind) @[ IoU=\(iou) | area=\(paddedArea) | maxDets=\(paddedLimit) ] = \(value)"
    }
  }

  /// pycocotools' `accumulate` for one category, area range and detection limit.
  mutating func accumulate(
    _ evaluated: [COCOEvaluation.ImageMatches], maxDetections: Int, category k: Int, area a: Int,
    limit m: Int
  ) {
    guard !evaluated.isEmpty else { return }
    let c = configuration
    var scores: [Double] = []
    var flags: [(image: Int, detection: Int)] = []
    for (e, matches) in evaluated.enumerated() {
      let kept = min(maxDetections, matches.scores.count)
      scores += matches.scores.prefix(kept)
      flags += (0..<kept).map { (e, $0) }
    }
    let order = scores.indices.sorted {
      scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1
    }
    let counted = evaluated.reduce(0) { $0 + $1.objectIgnored.count(where: { !$0 }) }
    guard counted > 0 else { return }
    let epsilon = Double.ulpOfOne  // np.spacing(1)
    for t in c.iouThresholds.indices {
      var truePositives = 0.0
      var falsePositives = 0.0
      var recalls: [Double] = []
      var precisions: [Double] = []
      recalls.reserveCapacity(order.count)
      precisions.reserveCapacity(order.count)
      for index in order {
        let (e, d) = flags[index]
        if evaluated[e].ignored[t][d] { /* neither */
        } else if evaluated[e].matched[t][d] {
          truePositives += 1
        } else {
          falsePositives += 1
        }
        recalls.append(truePositives / Double(counted))
        precisions.append(truePositives / (falsePositives + truePositives + epsilon))
      }
      let recallIndex =
        ((t * categoryIDs.count + k) * c.areaRanges.count + a) * c.maxDetections.count + m
      recall[recallIndex] = recalls.last ?? 0
      // Monotone envelope, from the end.
      if precisions.count > 1 {
        for i in stride(from: precisions.count - 1, to: 0, by: -1)
        where precisions[i] > precisions[i - 1] {
          precisions[i - 1] = precisions[i]
        }
      }
      // np.searchsorted(recalls, recallThresholds, side="left"); points past the end stay 0.
      var position = 0
      for (r, threshold) in c.recallThresholds.enumerated() {
        while position < recalls.count && recalls[position] < threshold { position += 1 }
        let index =
          (((t * c.recallThresholds.count + r) * categoryIDs.count + k) * c.areaRanges.count + a)
          * c.maxDetections.count + m
        precision[index] = position < precisions.count ? precisions[position] : 0
      }
    }
  }
}
