/// A colour for drawing: red, green and blue in [0, 1] (sRGB, as ``Image`` holds them).
///
/// ``palette`` gives distinct colours for categories, so that overlays of many classes stay
/// readable; ``category(_:)`` cycles through it.
///
///     image.drawBox(box, color: .category(categoryID))
///     image.drawBox(box, color: RGBColor(red: 1, green: 0.5, blue: 0))
public struct RGBColor: Sendable, Hashable {
  /// Red, in [0, 1].
  public var red: Float
  /// Green, in [0, 1].
  public var green: Float
  /// Blue, in [0, 1].
  public var blue: Float

  /// Creates a colour from its components.
  ///
  /// - Parameters:
  ///   - red: red, in [0, 1].
  ///   - green: green, in [0, 1].
  ///   - blue: blue, in [0, 1].
  public init(red: Float, green: Float, blue: Float) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// Creates a colour from a 24-bit `0xRRGGBB` value, as written in CSS and design tools.
  ///
  ///     RGBColor(hex: 0xFF7F0E)   // matplotlib's orange
  ///
  /// - Parameter hex: the colour; bits above the low 24 are ignored.
  public init(hex: UInt32) {
    self.init(
      red: Float((hex >> 16) & 0xFF) / 255, green: Float((hex >> 8) & 0xFF) / 255,
      blue: Float(hex & 0xFF) / 255)
  }

  /// Pure white.
  public static let white = RGBColor(red: 1, green: 1, blue: 1)
  /// Pure black.
  public static let black = RGBColor(red: 0, green: 0, blue: 0)

  /// Ten distinct colours (Tableau 10, the default of matplotlib's `tab10`): blue, orange,
  /// green, red, purple, brown, pink, grey, olive, cyan.
  public static let palette: [RGBColor] = [
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
    0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
  ].map(RGBColor.init(hex:))

  /// The palette colour for a category index or id, cycling (negative indices too).
  ///
  /// - Parameter index: any integer, e.g. a COCO category id.
  /// - Returns: `palette[index mod 10]`.
  public static func category(_ index: Int) -> RGBColor {
    let count = palette.count
    return palette[((index % count) + count) % count]
  }

  /// Relative luminance `0.2126 R + 0.7152 G + 0.0722 B` (Rec. 709 weights on the stored
  /// values), used to pick readable label text: black on light colours, white on dark ones.
  public var luminance: Float { 0.2126 * red + 0.7152 * green + 0.0722 * blue }
}
