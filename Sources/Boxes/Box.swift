/// An axis-aligned box in continuous pixel-edge coordinates.
///
/// A pixel at row `i`, column `j` covers `[j, j+1) x [i, i+1)`, so a box covering the
/// whole of a `W x H` image is `Box(x1: 0, y1: 0, x2: W, y2: H)` and its width is
/// `x2 - x1` with no `+ 1`. This is torchvision's convention (`boxes` in `(x1, y1, x2, y2)`
/// format with `0 <= x1 < x2` and `0 <= y1 < y2` for a non-degenerate box).
///
///     let box = Box(x1: 10, y1: 20, x2: 110, y2: 70)
///     box.width   // 100
///     box.area    // 5000
///
/// Conversions from the formats datasets use:
/// - COCO `[x, y, w, h]` → ``init(x:y:width:height:)``.
/// - Pascal VOC inclusive 1-based `xmin, ymin, xmax, ymax` → ``init(vocXMin:yMin:xMax:yMax:)``.
public struct Box: Hashable, Sendable {
  /// Left edge, in pixels.
  public var x1: Float
  /// Top edge, in pixels.
  public var y1: Float
  /// Right edge, in pixels (exclusive).
  public var x2: Float
  /// Bottom edge, in pixels (exclusive).
  public var y2: Float

  /// Creates a box from its corners.
  public init(x1: Float, y1: Float, x2: Float, y2: Float) {
    self.x1 = x1
    self.y1 = y1
    self.x2 = x2
    self.y2 = y2
  }

  /// Creates a box from a top-left corner and a size (COCO's `[x, y, w, h]`).
  public init(x: Float, y: Float, width: Float, height: Float) {
    self.init(x1: x, y1: y, x2: x + width, y2: y + height)
  }

  /// Creates a box from Pascal VOC's inclusive, 1-based pixel indices.
  ///
  /// VOC's `xmin = 1, xmax = W` covers the whole row of a `W`-pixel image, which is the
  /// pixel-edge box `[0, W)`: so `x1 = xmin - 1`, `x2 = xmax` (and the same for y).
  public init(vocXMin xMin: Float, yMin: Float, xMax: Float, yMax: Float) {
    self.init(x1: xMin - 1, y1: yMin - 1, x2: xMax, y2: yMax)
  }

  /// `x2 - x1`, in pixels (negative for an inverted box).
  public var width: Float { x2 - x1 }

  /// `y2 - y1`, in pixels (negative for an inverted box).
  public var height: Float { y2 - y1 }

  /// `width * height`, in square pixels, with no `+ 1` (torchvision's `box_area`).
  public var area: Float { width * height }

  /// The centre point `((x1 + x2) / 2, (y1 + y2) / 2)`.
  public var center: (x: Float, y: Float) { ((x1 + x2) / 2, (y1 + y2) / 2) }

  /// True when any coordinate is NaN or infinite.
  public var isFinite: Bool { x1.isFinite && y1.isFinite && x2.isFinite && y2.isFinite }

  /// True when the box has no positive area: `x2 <= x1`, `y2 <= y1`, or a non-finite corner.
  public var isDegenerate: Bool { !isFinite || !(x2 > x1) || !(y2 > y1) }

  /// COCO's `[x, y, w, h]`.
  public var xywh: [Float] { [x1, y1, width, height] }

  /// The corners as `[x1, y1, x2, y2]`.
  public var corners: [Float] { [x1, y1, x2, y2] }
}

extension Box: CustomStringConvertible {
  public var description: String { "[\(x1), \(y1), \(x2), \(y2)]" }
}
