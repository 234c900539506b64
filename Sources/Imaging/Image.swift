/// A decoded image: `height` rows of `width` pixels with `channels` interleaved Float32 samples.
///
/// **Layout** (the one convention of the library): row-major, channels interleaved, so the
/// sample of channel `c` at column `x`, row `y` is `pixels[(y * width + x) * channels + c]`.
/// Colour values are in `[0, 1]` for RGB and grey images loaded from files; colour-space
/// conversions document their own ranges.
///
///     let image = try Image(contentsOf: url)      // RGB, values in [0, 1]
///     let red = image[x: 3, y: 5, channel: 0]
public struct Image: Sendable, Equatable {
  /// Number of columns, at least 1.
  public let width: Int
  /// Number of rows, at least 1.
  public let height: Int
  /// Samples per pixel (3 for RGB, 1 for a single-channel map).
  public let channels: Int
  /// `height * width * channels` samples in row-major, channel-interleaved order.
  public var pixels: [Float]

  /// Creates an image from its samples.
  ///
  /// - Precondition: `width, height, channels >= 1` and
  ///   `pixels.count == width * height * channels` (programmer error otherwise).
  public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
    precondition(
      width >= 1 && height >= 1 && channels >= 1, "Image: empty size \(width)x\(height)x\(channels)"
    )
    precondition(
      pixels.count == width * height * channels,
      "Image: \(pixels.count) samples for \(width)x\(height)x\(channels)")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// Creates an image of the given size with every sample set to `value`.
  public init(width: Int, height: Int, channels: Int, repeating value: Float = 0) {
    self.init(
      width: width, height: height, channels: channels,
      pixels: [Float](repeating: value, count: width * height * channels))
  }

  /// The sample of `channel` at column `x`, row `y`.
  @inlinable
  public subscript(x x: Int, y y: Int, channel channel: Int) -> Float {
    get { pixels[(y * width + x) * channels + channel] }
    set { pixels[(y * width + x) * channels + channel] = newValue }
  }
}
