import Boxes

/// A box to draw with its colour and an optional label, for
/// ``Image/drawBoxes(_:lineWidth:fontSize:)``.
public struct LabeledBox: Sendable, Hashable {
  /// The box, in pixels of the image drawn on.
  public var box: Box
  /// The outline and tab colour.
  public var color: RGBColor
  /// The tab's text; empty draws the outline only.
  public var label: String

  /// Creates a labelled box.
  ///
  /// - Parameters:
  ///   - box: The box, in image pixels.
  ///   - color: The outline and tab colour.
  ///   - label: The tab's text, or `""` for none. Default: `""`.
  public init(box: Box, color: RGBColor, label: String = "") {
    self.box = box
    self.color = color
    self.label = label
  }
}

extension Image {
  /// Draws several boxes with labels that neither overlap one another nor hide the outlines.
  ///
  /// Boxes come most important first: the first box's outline is drawn last (on top) and its
  /// label gets the first choice of place. Every outline is drawn before any tab; the tabs
  /// are then placed by ``LabelPlacement/place(_:canvasWidth:canvasHeight:lineWidth:outlines:)``
  /// around the outlines of all the boxes, labelled or not. A tab that ends up away from its
  /// box (stacked above it, or moved to the nearest free spot) is joined to the box's outline
  /// by a one-pixel leader line of the box's colour. Tabs look like those of
  /// ``drawBox(_:color:lineWidth:label:fontSize:)``.
  ///
  ///     try picture.drawBoxes([
  ///       LabeledBox(box: truth, color: .category(2), label: "IoU 0.87"),
  ///       LabeledBox(box: proposal, color: .category(0)),
  ///     ])
  ///
  /// - Parameters:
  ///   - boxes: The boxes, most important first.
  ///   - lineWidth: Outline thickness, in pixels, at least 1. Default: `2`.
  ///   - fontSize: Label font size, in pixels, at least 4. Default: `12`.
  /// - Returns: Where each labelled box's tab went, in the order of the labelled boxes.
  /// - Throws: ``ImagingError/cannotRenderText(text:reason:)`` when libvips cannot render a
  ///   label; the outlines are drawn before that.
  @discardableResult
  public mutating func drawBoxes(
    _ boxes: [LabeledBox], lineWidth: Int = 2, fontSize: Int = 12
  ) throws(ImagingError) -> [LabelPlacement.Placement] {
    precondition(fontSize >= 4, "drawBoxes: fontSize must be >= 4, got \(fontSize)")
    for item in boxes.reversed() { drawBox(item.box, color: item.color, lineWidth: lineWidth) }
    let labelled = boxes.filter { !$0.label.isEmpty && pixelBounds(of: $0.box) != nil }
    guard !labelled.isEmpty else { return [] }
    let padding = max(1, fontSize / 6)
    var masks: [TextMask] = []
    for item in labelled { masks.append(try TextMask.render(item.label, fontSize: fontSize)) }
    let requests = zip(labelled, masks).map { item, mask in
      LabelPlacement.Request(
        box: item.box, width: mask.width + 2 * padding,
        height: max(mask.height, fontSize) + 2 * padding)
    }
    let placements = LabelPlacement.place(
      requests, canvasWidth: width, canvasHeight: height, lineWidth: lineWidth,
      outlines: boxes.map(\.box))
    for (index, placement) in placements.enumerated() where placement.isDetached {
      if let bounds = pixelBounds(of: labelled[index].box) {
        drawLeader(from: placement, to: bounds, color: labelled[index].color)
      }
    }
    for (index, placement) in placements.enumerated() {
      drawTab(
        masks[index], x: placement.x, y: placement.y, width: placement.width,
        height: placement.height, color: labelled[index].color)
    }
    return placements
  }

  /// A one-pixel line from the middle of a tab to the nearest point of a box's outline.
  private mutating func drawLeader(
    from tab: LabelPlacement.Placement, to bounds: (left: Int, top: Int, right: Int, bottom: Int),
    color: RGBColor
  ) {
    let startX = Double(tab.x) + Double(tab.width) / 2
    let startY = Double(tab.y) + Double(tab.height) / 2
    // The nearest point of the rectangle's border (inside points go to the nearest edge).
    var endX = min(max(startX, Double(bounds.left)), Double(bounds.right - 1))
    var endY = min(max(startY, Double(bounds.top)), Double(bounds.bottom - 1))
    if endX == startX && endY == startY {
      let gaps = [
        (startX - Double(bounds.left), 0), (Double(bounds.right - 1) - startX, 1),
        (startY - Double(bounds.top), 2), (Double(bounds.bottom - 1) - startY, 3),
      ]
      switch gaps.min(by: { $0.0 < $1.0 })?.1 {
      case 0: endX = Double(bounds.left)
      case 1: endX = Double(bounds.right - 1)
      case 2: endY = Double(bounds.top)
      default: endY = Double(bounds.bottom - 1)
      }
    }
    let steps = Int(max(abs(endX - startX), abs(endY - startY)).rounded(.up))
    guard steps > 0 else { return }
    for step in 0...steps {
      let t = Double(step) / Double(steps)
      let x = Int((startX + t * (endX - startX)).rounded(.down))
      let y = Int((startY + t * (endY - startY)).rounded(.down))
      guard x >= 0, x < width, y >= 0, y < height else { continue }
      blend(x: x, y: y, color: color, opacity: 1)
    }
  }
}
