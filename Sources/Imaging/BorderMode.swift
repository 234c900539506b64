/// How filters read samples beyond the image edge.
///
/// Neighbourhood filters (``Image/gaussianBlurred(sigma:border:)``,
/// ``Image/gradients(operator:border:)``) need samples at columns `-1, -2, …` and
/// `width, width + 1, …`. Each mode maps such an index back into `0..<count`; the
/// pictures below show a row `a b c d` extended by three samples on each side.
///
/// | mode | left pad, row, right pad | scipy.ndimage `mode` | OpenCV border |
/// |---|---|---|---|
/// | ``reflect`` | `c b a` `a b c d` `d c b` | `'reflect'` | `BORDER_REFLECT` |
/// | ``reflect101`` | `d c b` `a b c d` `c b a` | `'mirror'` | `BORDER_REFLECT_101` (default) |
/// | ``replicate`` | `a a a` `a b c d` `d d d` | `'nearest'` | `BORDER_REPLICATE` |
///
/// Indices further away than one image width keep reflecting (periodically), so a kernel
/// wider than the image is still well defined, as in scipy. On a 1-sample axis every mode
/// reads sample 0.
public enum BorderMode: String, CaseIterable, Sendable {
  /// Half-sample symmetric reflection: the edge sample is repeated (`c b a | a b c d | d c b`).
  /// scipy.ndimage's default and what scikit-image's `felzenszwalb` pre-blur uses.
  case reflect
  /// Whole-sample symmetric reflection: the edge sample is not repeated
  /// (`d c b | a b c d | c b a`). OpenCV's default border.
  case reflect101
  /// The edge sample is repeated outwards (`a a a | a b c d | d d d`).
  case replicate

  /// The in-range index that this mode reads for the (possibly out-of-range) index `index`
  /// on an axis of `count` samples.
  ///
  /// - Parameters:
  ///   - index: Any integer index along the axis.
  ///   - count: The axis length, at least 1.
  /// - Returns: An index in `0..<count`.
  /// - Complexity: O(1).
  @inlinable
  public func sourceIndex(_ index: Int, count: Int) -> Int {
    precondition(count >= 1, "BorderMode: axis length \(count) must be at least 1")
    if index >= 0 && index < count { return index }
    switch self {
    case .replicate:
      return index < 0 ? 0 : count - 1
    case .reflect:
      let period = 2 * count
      var m = index % period
      if m < 0 { m += period }
      return m < count ? m : period - 1 - m
    case .reflect101:
      if count == 1 { return 0 }
      let period = 2 * count - 2
      var m = index % period
      if m < 0 { m += period }
      return m < count ? m : period - m
    }
  }

  /// The source indices for positions `-padding ..< count + padding`, so that entry
  /// `k` holds the index read at position `k - padding`.
  func indexTable(count: Int, padding: Int) -> [Int] {
    (-padding..<(count + padding)).map { sourceIndex($0, count: count) }
  }
}
