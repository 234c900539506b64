import Boxes

/// Assigns each candidate box (anchor or proposal) to a ground-truth object by IoU: the
/// `Matcher` of torchvision's `models/detection/_utils.py`.
///
/// A candidate whose best IoU is at least ``highThreshold`` is foreground (matched to that
/// object); below ``lowThreshold`` it is background; in between it is ignored. With
/// ``allowLowQualityMatches``, every object's best candidates (all ties of its highest IoU,
/// if above 0) become foreground too, so no object is left without a positive (Ren et al.
/// 2015, §3.1.2).
///
///     let matcher = try Matcher(highThreshold: 0.7, lowThreshold: 0.3, allowLowQualityMatches: true)
///     let result = matcher.match(objects: truth, candidates: anchors)
///
/// - Complexity: O(*G* · *N*) for *G* objects and *N* candidates.
public struct Matcher: Hashable, Sendable, Codable {
  /// The label of a background candidate in ``Result/matches``.
  public static let background = -1
  /// The label of an ignored candidate in ``Result/matches``.
  public static let ignored = -2

  /// IoU at or above which a candidate is foreground. Default in RPN: 0.7.
  public var highThreshold: Float
  /// IoU below which a candidate is background. Default in RPN: 0.3.
  public var lowThreshold: Float
  /// Whether each object's best-overlapping candidates are foreground whatever their IoU.
  public var allowLowQualityMatches: Bool

  /// Creates a matcher.
  ///
  /// - Parameters:
  ///   - highThreshold: IoU at or above which a candidate is foreground.
  ///   - lowThreshold: IoU below which a candidate is background, from 0 to `highThreshold`.
  ///   - allowLowQualityMatches: Whether each object's best candidates are foreground whatever
  ///     their IoU. Default: `false`.
  /// - Throws: ``DetectorsError/invalidParameter(type:field:value:expected:)`` naming
  ///   `lowThreshold` unless `0 <= lowThreshold <= highThreshold`.
  public init(highThreshold: Float, lowThreshold: Float, allowLowQualityMatches: Bool = false)
    throws(DetectorsError)
  {
    guard lowThreshold >= 0, lowThreshold <= highThreshold else {
      throw .invalidParameter(
        type: "Matcher", field: "lowThreshold", value: "\(lowThreshold)",
        expected: "0 to highThreshold (\(highThreshold))")
    }
    self.highThreshold = highThreshold
    self.lowThreshold = lowThreshold
    self.allowLowQualityMatches = allowLowQualityMatches
  }

  /// The outcome of a match.
  public struct Result: Hashable, Sendable {
    /// Per candidate: the matched object's index, ``Matcher/background`` or ``Matcher/ignored``.
    public var matches: [Int]
    /// Per candidate: the index of the object of highest IoU (-1 without objects); ties go to
    /// the first object.
    public var bestObject: [Int]
    /// Per candidate: its highest IoU with any object (0 without objects).
    public var bestIoU: [Float]
  }

  /// Matches `candidates` to `objects`.
  ///
  /// Without objects every candidate is background. Degenerate or non-finite boxes overlap
  /// nothing (IoU 0).
  public func match(objects: [Box], candidates: [Box]) -> Result {
    let count = candidates.count
    guard !objects.isEmpty else {
      return Result(
        matches: [Int](repeating: Self.background, count: count),
        bestObject: [Int](repeating: -1, count: count),
        bestIoU: [Float](repeating: 0, count: count))
    }
    let iou = IoUMatrix(rows: objects, columns: candidates)
    var bestObject = [Int](repeating: 0, count: count)
    var bestIoU = [Float](repeating: -1, count: count)
    for g in objects.indices {
      let row = iou.row(g)
      var n = 0
      for value in row {
        let v = value.isFinite ? value : 0
        if v > bestIoU[n] {
          bestIoU[n] = v
          bestObject[n] = g
        }
        n += 1
      }
    }
    var matches = [Int](repeating: Self.ignored, count: count)
    for n in 0..<count {
      if bestIoU[n] >= highThreshold {
        matches[n] = bestObject[n]
      } else if bestIoU[n] < lowThreshold {
        matches[n] = Self.background
      }
    }
    if allowLowQualityMatches {
      for g in objects.indices {
        let row = Array(iou.row(g))
        guard let highest = row.map({ $0.isFinite ? $0 : 0 }).max(), highest > 0 else { continue }
        for n in 0..<count where row[n] == highest {
          // As torchvision: the candidate keeps its own best object.
          matches[n] = bestObject[n]
        }
      }
    }
    return Result(matches: matches, bestObject: bestObject, bestIoU: bestIoU)
  }
}
