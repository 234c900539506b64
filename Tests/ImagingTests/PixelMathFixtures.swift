import Boxes
import Imaging

/// Seeded synthetic images for the pixel-math tests (colour spaces, blur, gradients,
/// resize, warp), from the library's seeded generator, so every run is identical.
extension SplitMix64 {
  /// An image with independent uniform samples in `[0, 1)`.
  mutating func image(width: Int, height: Int, channels: Int) -> Image {
    Image(
      width: width, height: height, channels: channels,
      pixels: (0..<(width * height * channels)).map { _ in nextUnitFloat() })
  }
}

/// The largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count)
  return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
