import Imaging

/// Seeded synthetic images for the pixel-math tests (colour spaces, blur, gradients,
/// resize, warp). SplitMix64 (Steele, Lea, Flood 2014) keeps every run identical.
struct PixelMathRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A Float in `[0, 1)` with 24 random bits.
  mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

  /// An image with independent uniform samples in `[0, 1)`.
  mutating func image(width: Int, height: Int, channels: Int) -> Image {
    Image(
      width: width, height: height, channels: channels,
      pixels: (0..<(width * height * channels)).map { _ in unit() })
  }
}

/// The largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count)
  return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
