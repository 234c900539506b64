/// A method that can tell, before it runs, about how much memory it needs for an image.
///
/// Proposal generators, segmenters and edge detectors conform, so a caller can refuse an
/// image that would not fit (``MemoryBudget/check(file:width:height:method:estimator:)``)
/// instead of letting the machine run out of memory. Estimates come from measurement: each
/// conforming type states in its documentation what was measured (peak resident memory at
/// two image sizes, the slope in bytes per pixel, rounded up with a margin).
///
///     let search = SelectiveSearch(mode: .fast)
///     let bytes = search.estimatedPeakMemory(width: 4000, height: 3000)
public protocol PeakMemoryEstimating {
  /// The method's own peak memory for a `width` x `height` input image, in bytes: what it
  /// allocates beyond the decoded input image, rounded up (conservative). When the method
  /// shrinks large images first (a `maximumSide`), the estimate is at the shrunk size.
  ///
  /// - Parameters:
  ///   - width: Columns of the input image, in pixels (0 or more).
  ///   - height: Rows of the input image, in pixels (0 or more).
  /// - Returns: Bytes, at least 0; saturates at `Int.max` instead of overflowing.
  func estimatedPeakMemory(width: Int, height: Int) -> Int
}

/// Bytes of memory in estimates: saturating products and the size an image shrinks to.
public enum MemoryEstimate {
  /// `bytesPerPixel` x `width` x `height`, rounded up, at most `Int.max` (never overflows on
  /// the sizes a file header can claim).
  ///
  /// - Parameters:
  ///   - bytesPerPixel: Bytes per pixel, 0 or more.
  ///   - width: Columns, in pixels.
  ///   - height: Rows, in pixels.
  public static func bytes(perPixel bytesPerPixel: Double, width: Int, height: Int) -> Int {
    let value = (bytesPerPixel * Double(max(0, width)) * Double(max(0, height))).rounded(.up)
    return value >= Double(Int.max) ? Int.max : max(0, Int(value))
  }

  /// The sum of `terms`, at most `Int.max`.
  public static func sum(_ terms: Int...) -> Int {
    terms.reduce(0) { total, term in
      let (result, overflow) = total.addingReportingOverflow(max(0, term))
      return overflow ? Int.max : result
    }
  }

  /// The size of a `width` x `height` image after shrinking its longer side to `maxSide`
  /// (unchanged when it already fits or `maxSide` is `nil`), rounded as
  /// ``Image/init(contentsOf:maxSide:pixelLimit:decoding:)`` and the methods' own
  /// `maximumSide` round.
  ///
  /// - Parameters:
  ///   - width: Columns, in pixels.
  ///   - height: Rows, in pixels.
  ///   - maxSide: The longest side allowed, at least 1, or `nil` for no shrink.
  public static func shrunkSize(width: Int, height: Int, maxSide: Int?) -> (
    width: Int, height: Int
  ) {
    guard let maxSide, maxSide >= 1, max(width, height) > maxSide else { return (width, height) }
    let scale = Double(maxSide) / Double(max(width, height))
    return (
      max(1, Int((Double(width) * scale).rounded())),
      max(1, Int((Double(height) * scale).rounded()))
    )
  }
}
