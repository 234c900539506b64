/// The regression target that moves an anchor (or proposal) box onto another box: a centre
/// shift in units of the anchor's size and a log-scale change of width and height, each
/// multiplied by the coder's weight.
///
///     let delta = BoxCoder().encode(groundTruth, relativeTo: anchor)
///     delta.dx  // 10 * (gtCenterX - anchorCenterX) / anchorWidth
///
/// The four values are the `(dx, dy, dw, dh)` rows of torchvision's `BoxCoder.encode_single`
/// and the `rel_codes` of `decode_single`, in that order.
public struct BoxDelta: Hashable, Sendable {
  /// Horizontal centre shift, in anchor widths, times the x weight.
  public var dx: Float
  /// Vertical centre shift, in anchor heights, times the y weight.
  public var dy: Float
  /// Natural log of the width ratio (box / anchor), times the width weight.
  public var dw: Float
  /// Natural log of the height ratio (box / anchor), times the height weight.
  public var dh: Float

  /// Creates a delta from its four components.
  ///
  /// - Parameters:
  ///   - dx: Weighted horizontal centre shift, in anchor widths.
  ///   - dy: Weighted vertical centre shift, in anchor heights.
  ///   - dw: Weighted natural log of the width ratio.
  ///   - dh: Weighted natural log of the height ratio.
  public init(dx: Float, dy: Float, dw: Float, dh: Float) {
    self.dx = dx
    self.dy = dy
    self.dw = dw
    self.dh = dh
  }
}
