extension ColorSpace {
  /// One pixel's hue, saturation and value, following scikit-image's `rgb2hsv`.
  ///
  /// V = max(R, G, B), S = (V − min) / V, and H is the hexcone hue divided by 6 and
  /// wrapped into `[0, 1)`. When several channels equal the maximum, blue wins over green
  /// over red (the order in which scikit-image assigns them; the result is the same up to
  /// rounding). Greys (max = min) get H = 0 and S = 0.
  ///
  /// - Complexity: O(1).
  static func hsv(red: Float, green: Float, blue: Float) -> (
    hue: Float, saturation: Float, value: Float
  ) {
    let value = max(red, max(green, blue))
    let minimum = min(red, min(green, blue))
    let delta = value - minimum
    guard delta != 0 else { return (0, 0, value) }
    let saturation = delta / value
    var hue: Float
    if blue == value {
      hue = 4 + (red - green) / delta
    } else if green == value {
      hue = 2 + (blue - red) / delta
    } else {
      hue = (green - blue) / delta
    }
    hue /= 6
    hue -= hue.rounded(.down)
    if hue >= 1 { hue = 0 }
    return (hue, saturation, value)
  }
}
