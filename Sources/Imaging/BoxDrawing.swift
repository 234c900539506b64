import Boxes

/// Drawing boxes and labels onto images, for overlay pictures in reports and for checking
/// annotations by eye.
///
/// Boxes use the library's pixel-edge convention: the outline covers every pixel the box
/// touches (columns `floor(x1) ..< ceil(x2)`, rows `floor(y1) ..< ceil(y2)`), drawn
/// `lineWidth` pixels thick *inside* those bounds, so a box of the whole image stays visible.
/// Parts outside the image are clipped; boxes with a NaN or infinite corner, or no positive
/// area, draw nothing.
///
///     var overlay = try Image(contentsOf: url)
///     for (box, category) in zip(boxes, categories) {
///       try overlay.drawBox(box, color: .category(category.id), label: category.name)
///     }
///     try overlay.write(to: URL(fileURLWithPath: "overlay.png"))
extension Image {
  /// Draws the outline of `box`.
  ///
  /// - Parameters:
  ///   - box: the box, in pixels of this image.
  ///   - color: the line colour. Default: none (required).
  ///   - lineWidth: the line thickness in pixels, at least 1. Default: 2.
  /// - Precondition: the image has 1 or 3 channels (1-channel images get the colour's
  ///   luminance).
  /// - Complexity: O(perimeter x lineWidth).
  public mutating func drawBox(_ box: Box, color: RGBColor, lineWidth: Int = 2) {
    precondition(lineWidth >= 1, "drawBox: lineWidth must be >= 1, got \(lineWidth)")
    guard let bounds = pixelBounds(of: box) else { return }
    let (left, top, right, bottom) = bounds  // half-open
    let thickness = lineWidth
    fillRectangle(
      x: left, y: top, width: right - left, height: min(thickness, bottom - top), color: color)
    fillRectangle(
      x: left, y: max(bottom - thickness, top), width: right - left,
      height: min(thickness, bottom - top), color: color)
    fillRectangle(
      x: left, y: top, width: min(thickness, right - left), height: bottom - top, color: color)
    fillRectangle(
      x: max(right - thickness, left), y: top, width: min(thickness, right - left),
      height: bottom - top, color: color)
  }

  /// Draws the outline of `box` and a label on a filled tab above it.
  ///
  /// The tab has the box's colour and holds `label` in black or white, whichever reads
  /// better on it (``RGBColor/luminance`` above or below 0.5). It sits on the box's top-left
  /// corner, above the box, and moves inside the image when the box touches an edge: below
  /// the top edge when there is no room above, left of the right edge when it would stick
  /// out. A tab wider than the image is clipped. Glyphs come from libvips' text renderer
  /// (`vips_text`, Pango, the default sans-serif font), anti-aliased and blended in.
  ///
  /// - Parameters:
  ///   - box: the box, in pixels of this image.
  ///   - color: the line and tab colour. Default: none (required).
  ///   - lineWidth: the line thickness in pixels, at least 1. Default: 2.
  ///   - label: the text, e.g. `"cat 0.93"`; an empty label draws no tab.
  ///   - fontSize: the font size in pixels, at least 4. Default: 12.
  /// - Throws: ``ImagingError/cannotRenderText(text:reason:)`` when libvips cannot render
  ///   the text (e.g. no font installed); the box outline is drawn before that.
  /// - Complexity: O(perimeter x lineWidth + label pixels).
  public mutating func drawBox(
    _ box: Box, color: RGBColor, lineWidth: Int = 2, label: String, fontSize: Int = 12
  ) throws(ImagingError) {
    precondition(fontSize >= 4, "drawBox: fontSize must be >= 4, got \(fontSize)")
    drawBox(box, color: color, lineWidth: lineWidth)
    guard !label.isEmpty, let bounds = pixelBounds(of: box) else { return }
    let mask = try TextMask.render(label, fontSize: fontSize)
    let padding = max(1, fontSize / 6)
    let tabWidth = mask.width + 2 * padding
    let tabHeight = max(mask.height, fontSize) + 2 * padding
    var tabTop = bounds.top - tabHeight
    if tabTop < 0 { tabTop = bounds.top }
    tabTop = max(0, min(tabTop, height - tabHeight))
    let tabLeft = max(0, min(bounds.left, width - tabWidth))
    drawTab(mask, x: tabLeft, y: tabTop, width: tabWidth, height: tabHeight, color: color)
  }

  /// Fills a tab with `color` and blends the text of `mask` into its middle, in black or
  /// white, whichever reads better on `color`; clipped to the image.
  mutating func drawTab(
    _ mask: TextMask, x tabLeft: Int, y tabTop: Int, width tabWidth: Int, height tabHeight: Int,
    color: RGBColor
  ) {
    fillRectangle(x: tabLeft, y: tabTop, width: tabWidth, height: tabHeight, color: color)
    let ink: RGBColor = color.luminance > 0.5 ? .black : .white
    let textLeft = tabLeft + (tabWidth - mask.width) / 2
    let textTop = tabTop + (tabHeight - mask.height) / 2
    for row in 0..<mask.height {
      let y = textTop + row
      guard y >= 0 && y < height else { continue }
      for column in 0..<mask.width {
        let x = textLeft + column
        guard x >= 0 && x < width else { continue }
        let coverage = mask.coverage[row * mask.width + column]
        if coverage > 0 { blend(x: x, y: y, color: ink, opacity: coverage) }
      }
    }
  }

  /// Fills a rectangle of whole pixels with `color`, clipped to the image.
  ///
  /// - Parameters:
  ///   - x: the first column, in pixels (may be negative).
  ///   - y: the first row, in pixels (may be negative).
  ///   - width: columns to fill, in pixels; nothing is drawn when it is 0 or less.
  ///   - height: rows to fill, in pixels; nothing is drawn when it is 0 or less.
  ///   - color: the fill colour. Default: none (required).
  ///   - opacity: 1 paints over, 0 leaves the image unchanged, in between blends.
  ///     Default: 1.
  /// - Precondition: the image has 1 or 3 channels.
  /// - Complexity: O(width x height).
  public mutating func fillRectangle(
    x: Int, y: Int, width: Int, height: Int, color: RGBColor, opacity: Float = 1
  ) {
    let left = max(x, 0)
    let top = max(y, 0)
    let right = min(x.addingClamped(width), self.width)
    let bottom = min(y.addingClamped(height), self.height)
    guard left < right, top < bottom else { return }
    for row in top..<bottom {
      for column in left..<right {
        blend(x: column, y: row, color: color, opacity: opacity)
      }
    }
  }

  /// Mixes `color` into one pixel: `old * (1 - opacity) + color * opacity`.
  mutating func blend(x: Int, y: Int, color: RGBColor, opacity: Float) {
    let base = (y * width + x) * channels
    let keep = 1 - opacity
    switch channels {
    case 3:
      pixels[base] = pixels[base] * keep + color.red * opacity
      pixels[base + 1] = pixels[base + 1] * keep + color.green * opacity
      pixels[base + 2] = pixels[base + 2] * keep + color.blue * opacity
    case 1:
      pixels[base] = pixels[base] * keep + color.luminance * opacity
    default:
      preconditionFailure("drawing needs a 1- or 3-channel image, this one has \(channels)")
    }
  }

  /// The whole pixels `box` touches, clipped to the image, as half-open
  /// `(left, top, right, bottom)`; `nil` when nothing of it is inside or it has no area.
  func pixelBounds(of box: Box) -> (left: Int, top: Int, right: Int, bottom: Int)? {
    guard !box.isDegenerate else { return nil }
    let imageWidth = Float(width)
    let imageHeight = Float(height)
    guard box.x2 > 0, box.y2 > 0, box.x1 < imageWidth, box.y1 < imageHeight else { return nil }
    let left = Int(max(box.x1, 0).rounded(.down))
    let top = Int(max(box.y1, 0).rounded(.down))
    let right = Int(min(box.x2, imageWidth).rounded(.up))
    let bottom = Int(min(box.y2, imageHeight).rounded(.up))
    guard left < right, top < bottom else { return nil }
    return (left, top, right, bottom)
  }
}

extension Int {
  /// `self + other`, saturating at the Int range instead of trapping.
  fileprivate func addingClamped(_ other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(other)
    if overflow { return other > 0 ? .max : .min }
    return sum
  }
}
