/// Encodes boxes as deltas relative to anchors, and decodes deltas back into boxes, the
/// bounding-box regression parameterisation of R-CNN, Fast R-CNN and Faster R-CNN.
///
/// A box is described relative to an anchor by its centre shift, in units of the anchor's
/// width and height, and by the logarithm of its size ratio; each component is multiplied by
/// a weight. Decoding inverts this, clamping the size deltas from above so `exp` cannot
/// overflow.
///
///     let coder = BoxCoder()                                   // weights (10, 10, 5, 5)
///     let delta = coder.encode(groundTruth, relativeTo: anchor)
///     let box = coder.decode(delta, relativeTo: anchor)        // ≈ groundTruth
///
/// Encoding (in `Float`, in this order): `w = x2 - x1`, `cx = x1 + 0.5 * w` for the box and the
/// anchor, then `dx = wx * (cx - acx) / aw`, `dy = wy * (cy - acy) / ah`,
/// `dw = ww * log(w / aw)`, `dh = wh * log(h / ah)`. Decoding: `dx / wx`, `dy / wy`,
/// `min(dw / ww, clip)`, `min(dh / wh, clip)` (large negative values are not clipped), then
/// `cx = dx * aw + acx`, `w = exp(dw) * aw`, and the corners `cx ∓ 0.5 * w`, `cy ∓ 0.5 * h`.
/// No `+ 1` anywhere (pixel-edge coordinates). Zero-width anchors give infinite or NaN
/// deltas, as in torchvision.
///
/// Checked against `Fixtures/goldens/box_coder.json` (torchvision
/// `models.detection._utils.BoxCoder`, weights (10, 10, 5, 5) and (1, 1, 1, 1), including
/// deltas far above the clip): encode within atol 5e-5 + rtol 1e-5, decode within
/// atol 1e-4 + rtol 1e-5.
///
/// Reference: R. Girshick et al., "Rich feature hierarchies for accurate object detection and
/// semantic segmentation", CVPR 2014, appendix C. <https://doi.org/10.1109/CVPR.2014.81>;
/// S. Ren et al., "Faster R-CNN", NeurIPS 2015, eq. 2. <https://arxiv.org/abs/1506.01497>
public struct BoxCoder: Hashable, Sendable {
  /// Multipliers of the four delta components.
  public struct Weights: Hashable, Sendable {
    /// Weight of the horizontal centre shift.
    public var x: Float
    /// Weight of the vertical centre shift.
    public var y: Float
    /// Weight of the log width ratio.
    public var width: Float
    /// Weight of the log height ratio.
    public var height: Float

    /// Creates weights, each finite and positive.
    ///
    /// - Parameters:
    ///   - x: Multiplier of `dx`, unitless. torchvision's Faster R-CNN box head uses `10`.
    ///   - y: Multiplier of `dy`, unitless. torchvision's Faster R-CNN box head uses `10`.
    ///   - width: Multiplier of `dw`, unitless. torchvision's Faster R-CNN box head uses `5`.
    ///   - height: Multiplier of `dh`, unitless. torchvision's Faster R-CNN box head uses `5`.
    /// - Throws: ``BoxesError/invalidParameter(type:field:value:expected:)`` naming the first
    ///   weight that is not finite and positive.
    public init(x: Float, y: Float, width: Float, height: Float) throws(BoxesError) {
      for (field, value) in [("x", x), ("y", y), ("width", width), ("height", height)]
      where !(value.isFinite && value > 0) {
        throw .invalidParameter(
          type: "BoxCoder.Weights", field: field, value: "\(value)",
          expected: "a finite, positive number")
      }
      self.init(checked: x, y, width, height)
    }

    /// Stores weights already known to be finite and positive.
    private init(checked x: Float, _ y: Float, _ width: Float, _ height: Float) {
      self.x = x
      self.y = y
      self.width = width
      self.height = height
    }

    /// `(10, 10, 5, 5)`: the second-stage (RoI head) weights of torchvision's Faster R-CNN,
    /// which scale the targets to roughly unit variance.
    public static let fasterRCNN = Weights(checked: 10, 10, 5, 5)

    /// `(1, 1, 1, 1)`: unweighted deltas, as torchvision's region proposal network uses.
    public static let unit = Weights(checked: 1, 1, 1, 1)
  }

  /// `log(1000 / 16) ≈ 4.135`, torchvision's `bbox_xform_clip`: a decoded box is at most
  /// 1000 / 16 = 62.5 times wider or taller than its anchor.
  public static let defaultSizeDeltaClip = Float(logarithmOf1000Over16)

  /// The multipliers of the four delta components.
  public var weights: Weights

  /// The largest size delta (`dw / ww`, `dh / wh`) that decoding uses; larger ones are clamped.
  public var sizeDeltaClip: Float

  /// Creates a box coder that clamps size deltas at ``defaultSizeDeltaClip``.
  ///
  /// - Parameter weights: Multipliers of `(dx, dy, dw, dh)`. Default: ``Weights/fasterRCNN``
  ///   `(10, 10, 5, 5)`.
  public init(weights: Weights = .fasterRCNN) {
    self.weights = weights
    self.sizeDeltaClip = Self.defaultSizeDeltaClip
  }

  /// Creates a box coder with its own clamp of the size deltas.
  ///
  /// - Parameters:
  ///   - weights: Multipliers of `(dx, dy, dw, dh)`. Default: ``Weights/fasterRCNN``
  ///     `(10, 10, 5, 5)`.
  ///   - sizeDeltaClip: Upper clamp of the unweighted log size ratios when decoding, a natural
  ///     logarithm, not NaN (``defaultSizeDeltaClip`` is `log(1000 / 16)`).
  /// - Throws: ``BoxesError/invalidParameter(type:field:value:expected:)`` naming
  ///   `sizeDeltaClip` when it is NaN.
  public init(weights: Weights = .fasterRCNN, sizeDeltaClip: Float) throws(BoxesError) {
    guard !sizeDeltaClip.isNaN else {
      throw .invalidParameter(
        type: "BoxCoder", field: "sizeDeltaClip", value: "\(sizeDeltaClip)",
        expected: "a number, not NaN")
    }
    self.weights = weights
    self.sizeDeltaClip = sizeDeltaClip
  }

  /// The delta that moves `anchor` onto `box`.
  ///
  /// - Parameters:
  ///   - box: The target box (torchvision's `reference_boxes`, e.g. a ground-truth box).
  ///   - anchor: The box it is expressed relative to (torchvision's `proposals`).
  /// - Returns: `(dx, dy, dw, dh)`, weighted.
  /// - Complexity: O(1).
  public func encode(_ box: Box, relativeTo anchor: Box) -> BoxDelta {
    let anchorWidth = anchor.x2 - anchor.x1
    let anchorHeight = anchor.y2 - anchor.y1
    let anchorCenterX = anchor.x1 + 0.5 * anchorWidth
    let anchorCenterY = anchor.y1 + 0.5 * anchorHeight
    let width = box.x2 - box.x1
    let height = box.y2 - box.y1
    let centerX = box.x1 + 0.5 * width
    let centerY = box.y1 + 0.5 * height
    return BoxDelta(
      dx: weights.x * (centerX - anchorCenterX) / anchorWidth,
      dy: weights.y * (centerY - anchorCenterY) / anchorHeight,
      dw: weights.width * naturalLogarithm(width / anchorWidth),
      dh: weights.height * naturalLogarithm(height / anchorHeight))
  }

  /// The deltas of `boxes[i]` relative to `anchors[i]`, for every `i`.
  ///
  /// - Parameters:
  ///   - boxes: The target boxes.
  ///   - anchors: One anchor per box; the counts must be equal.
  /// - Returns: One delta per pair, in order.
  /// - Complexity: O(*n*).
  public func encode(_ boxes: [Box], relativeTo anchors: [Box]) -> [BoxDelta] {
    precondition(
      boxes.count == anchors.count,
      "BoxCoder.encode: \(boxes.count) boxes but \(anchors.count) anchors")
    return zip(boxes, anchors).map { encode($0, relativeTo: $1) }
  }

  /// The box that `delta` describes relative to `anchor`.
  ///
  /// - Parameters:
  ///   - delta: A weighted `(dx, dy, dw, dh)`, e.g. a regression head's output.
  ///   - anchor: The box the delta is relative to.
  /// - Returns: The decoded box (not clipped to any image; see ``Box/clipped(width:height:)``).
  /// - Complexity: O(1).
  public func decode(_ delta: BoxDelta, relativeTo anchor: Box) -> Box {
    let anchorWidth = anchor.x2 - anchor.x1
    let anchorHeight = anchor.y2 - anchor.y1
    let anchorCenterX = anchor.x1 + 0.5 * anchorWidth
    let anchorCenterY = anchor.y1 + 0.5 * anchorHeight
    let dx = delta.dx / weights.x
    let dy = delta.dy / weights.y
    let dw = clampFromAbove(delta.dw / weights.width)
    let dh = clampFromAbove(delta.dh / weights.height)
    let centerX = dx * anchorWidth + anchorCenterX
    let centerY = dy * anchorHeight + anchorCenterY
    let halfWidth = 0.5 * (exponential(dw) * anchorWidth)
    let halfHeight = 0.5 * (exponential(dh) * anchorHeight)
    return Box(
      x1: centerX - halfWidth, y1: centerY - halfHeight,
      x2: centerX + halfWidth, y2: centerY + halfHeight)
  }

  /// The boxes that `deltas[i]` describe relative to `anchors[i]`, for every `i`.
  ///
  /// - Parameters:
  ///   - deltas: Weighted deltas.
  ///   - anchors: One anchor per delta; the counts must be equal.
  /// - Returns: One box per pair, in order.
  /// - Complexity: O(*n*).
  public func decode(_ deltas: [BoxDelta], relativeTo anchors: [Box]) -> [Box] {
    precondition(
      deltas.count == anchors.count,
      "BoxCoder.decode: \(deltas.count) deltas but \(anchors.count) anchors")
    return zip(deltas, anchors).map { decode($0, relativeTo: $1) }
  }

  /// `min(value, sizeDeltaClip)`, keeping NaN (as `torch.clamp(max:)`).
  private func clampFromAbove(_ value: Float) -> Float {
    value > sizeDeltaClip ? sizeDeltaClip : value
  }
}
