import Boxes

/// Chooses where the label tabs of several boxes go, so that no two tabs overlap and tabs
/// hide as little of the box outlines as possible.
///
/// Each label is a tab of known size that belongs to one box. Tabs are placed greedily, in
/// the order given (the first label gets the best spot). For each one the candidates are,
/// in order of preference: above the box's top-left or top-right corner (outside), inside
/// its top-left or top-right corner, below the box (outside), inside its bottom corners,
/// beside it, stacked above or inside the box next to labels already there, and finally any
/// free position of the canvas near the box. A candidate must lie inside the canvas and keep
/// one pixel away from every tab placed before it (a hard rule); among the candidates that
/// satisfy it, the one with the smallest cost wins:
///
///     cost = 2 × (outline pixels the tab covers) + (distance from the tab to its box's outline)
///            + 8 when that distance is not 0
///
/// so a 14-pixel-high tab that would cross a 2-pixel line (cost 56) moves up to about 50
/// pixels away to a clear spot, but not further.
///
/// The outline pixels are those of every box given in `outlines` (by default the labelled
/// boxes), drawn `lineWidth` pixels thick inside their bounds as ``Image/drawBox(_:color:lineWidth:)``
/// draws them. A tab that does not touch its box's outline is *detached*; drawing code joins
/// it to its box with a thin leader line.
///
///     let placements = LabelPlacement.place(
///       boxes.map { LabelPlacement.Request(box: $0, width: 40, height: 14) },
///       canvasWidth: 640, canvasHeight: 480)
///
/// Only when the canvas has no free spot left for a tab (more tab area than canvas) does a
/// tab overlap others; it then goes where it overlaps them least.
public enum LabelPlacement {
  /// A label to place: the box it belongs to and the size of its tab.
  public struct Request: Sendable, Hashable {
    /// The labelled box, in pixels of the canvas.
    public var box: Box
    /// Width of the tab, in pixels, at least 1.
    public var width: Int
    /// Height of the tab, in pixels, at least 1.
    public var height: Int

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - box: The labelled box, in canvas pixels.
    ///   - width: Tab width, in pixels.
    ///   - height: Tab height, in pixels.
    public init(box: Box, width: Int, height: Int) {
      precondition(width >= 1 && height >= 1, "LabelPlacement: empty tab \(width)x\(height)")
      self.box = box
      self.width = width
      self.height = height
    }
  }

  /// Where one tab goes.
  public struct Placement: Sendable, Hashable {
    /// The tab's left column, in pixels.
    public var x: Int
    /// The tab's top row, in pixels.
    public var y: Int
    /// The tab's width, in pixels.
    public var width: Int
    /// The tab's height, in pixels.
    public var height: Int
    /// True when the tab does not touch its box's outline (drawn with a leader line).
    public var isDetached: Bool

    /// Creates a placement.
    ///
    /// - Parameters:
    ///   - x: Left column, in pixels.
    ///   - y: Top row, in pixels.
    ///   - width: Width, in pixels.
    ///   - height: Height, in pixels.
    ///   - isDetached: Whether the tab is away from its box.
    public init(x: Int, y: Int, width: Int, height: Int, isDetached: Bool) {
      self.x = x
      self.y = y
      self.width = width
      self.height = height
      self.isDetached = isDetached
    }

    /// The tab as a box in pixel-edge coordinates.
    public var rectangle: Box {
      Box(x1: Float(x), y1: Float(y), x2: Float(x + width), y2: Float(y + height))
    }
  }

  /// The extra cost of a tab that does not touch its box, in pixels of distance.
  static let detachedPenalty = 8

  /// Places the tabs of `requests` on a canvas.
  ///
  /// - Parameters:
  ///   - requests: The labels, most important first.
  ///   - canvasWidth: Canvas width, in pixels.
  ///   - canvasHeight: Canvas height, in pixels.
  ///   - lineWidth: Outline thickness, in pixels, as drawn. Default: `2`.
  ///   - outlines: Boxes whose outlines tabs should not hide; `nil` means the requests'
  ///     boxes. Default: `nil`.
  /// - Returns: One placement per request, in the same order. Tabs lie inside the canvas
  ///   (a tab larger than the canvas is clipped at its left or top edge) and, while the
  ///   canvas has room, at least one pixel apart.
  /// - Complexity: O(*n* · (*n* + *m*)) for *n* tabs and *m* outlines, times the canvas
  ///   area in tab-sized steps for a tab none of whose near candidates is free of outlines.
  public static func place(
    _ requests: [Request], canvasWidth: Int, canvasHeight: Int, lineWidth: Int = 2,
    outlines: [Box]? = nil
  ) -> [Placement] {
    let thickness = max(1, lineWidth)
    let canvas = Rect(left: 0, top: 0, right: max(canvasWidth, 1), bottom: max(canvasHeight, 1))
    let bands = (outlines ?? requests.map(\.box)).compactMap { pixelBounds($0, canvas) }
      .flatMap { $0.outlineBands(thickness) }
    var placed: [Rect] = []
    var placements: [Placement] = []
    for request in requests {
      let size = (width: request.width, height: request.height)
      let bounds = pixelBounds(request.box, canvas)
      let own = bounds?.outlineBands(thickness) ?? []
      func fitted(_ x: Int, _ y: Int) -> Rect? {
        // A tab wider or taller than the canvas is pinned to its left or top edge.
        let left = size.width > canvas.right ? 0 : x
        let top = size.height > canvas.bottom ? 0 : y
        let rect = Rect(left: left, top: top, right: left + size.width, bottom: top + size.height)
        let inside =
          rect.left >= 0 && rect.top >= 0
          && (rect.right <= canvas.right || left == 0) && (rect.bottom <= canvas.bottom || top == 0)
        return inside ? rect : nil
      }
      func isFree(_ rect: Rect) -> Bool {
        !placed.contains { $0.expanded(by: 1).intersects(rect) }
      }
      func cost(_ rect: Rect) -> Int {
        let covered = bands.reduce(0) { $0 + $1.intersectionArea(rect) }
        let gap = distance(rect, to: own)
        return 2 * covered + gap + (gap > 0 ? detachedPenalty : 0)
      }

      var best: (rect: Rect, cost: Int)?
      func consider(_ rect: Rect?) {
        guard let rect, isFree(rect) else { return }
        let value = cost(rect)
        if best == nil || value < best!.cost { best = (rect, value) }
      }
      if let bounds {
        for (x, y) in nearCandidates(bounds, size, thickness, placed) { consider(fitted(x, y)) }
      }
      if best.map({ $0.cost > 0 }) ?? true {
        // Nothing near the box is free of outlines: any free spot of the canvas, nearest first.
        let stepX = max(2, size.width / 4)
        let stepY = max(2, size.height / 2)
        for y in stride(from: 0, through: max(0, canvas.bottom - size.height), by: stepY) {
          for x in stride(from: 0, through: max(0, canvas.right - size.width), by: stepX) {
            consider(fitted(x, y))
          }
        }
      }
      let rect: Rect
      if let best {
        rect = best.rect
      } else {
        // The canvas is full: the spot overlapping the tabs already placed least.
        let anchor: (x: Int, y: Int) = bounds.map { ($0.left, $0.top) } ?? (0, 0)
        let x = max(0, min(anchor.x, canvas.right - size.width))
        let y = max(0, min(anchor.y, canvas.bottom - size.height))
        var least = fitted(x, y) ?? Rect(left: 0, top: 0, right: size.width, bottom: size.height)
        var leastOverlap = placed.reduce(0) { $0 + $1.intersectionArea(least) }
        for y in stride(
          from: 0, through: max(0, canvas.bottom - size.height), by: max(1, size.height / 2))
        {
          for x in stride(
            from: 0, through: max(0, canvas.right - size.width), by: max(1, size.width / 4))
          {
            guard let candidate = fitted(x, y) else { continue }
            let overlap = placed.reduce(0) { $0 + $1.intersectionArea(candidate) }
            if overlap < leastOverlap { (least, leastOverlap) = (candidate, overlap) }
          }
        }
        rect = least
      }
      placed.append(rect)
      placements.append(
        Placement(
          x: rect.left, y: rect.top, width: size.width, height: size.height,
          isDetached: distance(rect, to: own) > 0))
    }
    return placements
  }

  /// The preferred spots of a tab of `size` for a box with pixel bounds `bounds`: around its
  /// corners, inside and outside, then stacked next to tabs already placed.
  private static func nearCandidates(
    _ bounds: Rect, _ size: (width: Int, height: Int), _ thickness: Int, _ placed: [Rect]
  ) -> [(Int, Int)] {
    let (w, h) = size
    let (l, t, r, b) = (bounds.left, bounds.top, bounds.right, bounds.bottom)
    let (inLeft, inRight) = (l + thickness, r - thickness - w)
    // Above and below (outside), inside the top and the bottom, beside.
    var spots: [(Int, Int)] = [
      (l, t - h), (r - w, t - h),
      (inLeft, t + thickness), (inRight, t + thickness),
      (l, b), (r - w, b),
      (inLeft, b - thickness - h), (inRight, b - thickness - h),
      (l - w, t), (r, t), (l - w, b - h), (r, b - h),
    ]
    // Along the top edge, outside and inside, in half-tab steps.
    for x in stride(from: l, through: r - w, by: max(2, w / 2)) {
      spots.append((x, t - h))
      spots.append((x, t + thickness))
    }
    // Stacked: next to, above or below each tab already placed near this box.
    for tab in placed where tab.expanded(by: h + 2).intersects(bounds) {
      spots.append((tab.left, tab.top - h - 1))
      spots.append((tab.left, tab.bottom + 1))
      spots.append((tab.right + 1, tab.top))
      spots.append((tab.left - w - 1, tab.top))
    }
    return spots
  }

  /// The distance in pixels between `rect` and the nearest of `bands` (0 when it touches or
  /// overlaps one, or when there are none).
  private static func distance(_ rect: Rect, to bands: [Rect]) -> Int {
    guard !bands.isEmpty else { return 0 }
    return bands.map { band in
      let dx = max(0, band.left - rect.right, rect.left - band.right)
      let dy = max(0, band.top - rect.bottom, rect.top - band.bottom)
      return max(dx, dy)
    }.min() ?? 0
  }

  /// The whole pixels a box touches, clipped to the canvas, as drawing covers them; `nil`
  /// when it has no area or lies outside.
  static func pixelBounds(_ box: Box, _ canvas: Rect) -> Rect? {
    guard !box.isDegenerate else { return nil }
    let width = Float(canvas.right)
    let height = Float(canvas.bottom)
    guard box.x2 > 0, box.y2 > 0, box.x1 < width, box.y1 < height else { return nil }
    let rect = Rect(
      left: Int(max(box.x1, 0).rounded(.down)), top: Int(max(box.y1, 0).rounded(.down)),
      right: Int(min(box.x2, width).rounded(.up)), bottom: Int(min(box.y2, height).rounded(.up)))
    return rect.left < rect.right && rect.top < rect.bottom ? rect : nil
  }

  /// A half-open rectangle of whole pixels.
  struct Rect: Hashable {
    var left: Int
    var top: Int
    var right: Int
    var bottom: Int

    func intersects(_ other: Rect) -> Bool {
      left < other.right && other.left < right && top < other.bottom && other.top < bottom
    }

    func intersectionArea(_ other: Rect) -> Int {
      let width = min(right, other.right) - max(left, other.left)
      let height = min(bottom, other.bottom) - max(top, other.top)
      return width > 0 && height > 0 ? width * height : 0
    }

    func expanded(by margin: Int) -> Rect {
      Rect(left: left - margin, top: top - margin, right: right + margin, bottom: bottom + margin)
    }

    /// The four strips an outline `thickness` pixels wide covers inside this rectangle.
    func outlineBands(_ thickness: Int) -> [Rect] {
      let t = min(thickness, bottom - top)
      let s = min(thickness, right - left)
      return [
        Rect(left: left, top: top, right: right, bottom: top + t),
        Rect(left: left, top: bottom - t, right: right, bottom: bottom),
        Rect(left: left, top: top, right: left + s, bottom: bottom),
        Rect(left: right - s, top: top, right: right, bottom: bottom),
      ]
    }
  }
}
