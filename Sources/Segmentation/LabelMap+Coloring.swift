import Boxes
import Imaging

extension LabelMap {
  /// A picture of the segmentation: every segment filled with its own random colour.
  ///
  /// Colours are drawn per label from ``/Boxes/SplitMix64`` seeded with `seed`, so the same map
  /// and seed always give the same picture; neighbouring segments get independent colours
  /// (they may occasionally look alike).
  ///
  ///     let picture = result.labels.coloredImage(seed: 1)   // RGB, values in [0, 1]
  ///
  /// - Parameter seed: Seed of the colour draws. Default: `0`.
  /// - Returns: An RGB image of the map's size with values in `[0, 1]`.
  /// - Complexity: O(*n* + `count`) for *n* pixels.
  public func coloredImage(seed: UInt64 = 0) -> Image {
    var generator = SplitMix64(seed: seed)
    var palette = [Float](repeating: 0, count: count * 3)
    for i in palette.indices { palette[i] = Float(generator.nextUnitDouble()) }
    var pixels = [Float](repeating: 0, count: labels.count * 3)
    for (p, label) in labels.enumerated() {
      let source = Int(label) * 3
      pixels[3 * p] = palette[source]
      pixels[3 * p + 1] = palette[source + 1]
      pixels[3 * p + 2] = palette[source + 2]
    }
    return Image(width: width, height: height, channels: 3, pixels: pixels)
  }

  /// Whether each pixel lies on a segment boundary: its right or lower neighbour has
  /// another label. Boundaries are one pixel wide, drawn on the upper/left side.
  ///
  /// - Returns: `width * height` flags, row-major.
  /// - Complexity: O(*n*) for *n* pixels.
  public func boundaryMask() -> [Bool] {
    var mask = [Bool](repeating: false, count: labels.count)
    for y in 0..<height {
      for x in 0..<width {
        let p = y * width + x
        if (x + 1 < width && labels[p + 1] != labels[p])
          || (y + 1 < height && labels[p + width] != labels[p])
        {
          mask[p] = true
        }
      }
    }
    return mask
  }
}

extension Image {
  /// This image with the boundaries of a segmentation drawn over it in one colour.
  ///
  /// A pixel is painted when ``LabelMap/boundaryMask()`` marks it (its right or lower
  /// neighbour belongs to another segment); other pixels keep their values.
  ///
  ///     let overlay = try photo.overlayingBoundaries(of: result.labels, color: [1, 0, 0])
  ///
  /// - Parameters:
  ///   - labels: A label map of this image's size.
  ///   - color: The line colour, one value per channel of this image (in the image's value
  ///     range). Default: `[1, 0, 0]` (red, for RGB images).
  /// - Returns: An image of the same size and channel count.
  /// - Throws: ``SegmentationError/sizeMismatch(field:width:height:expectedWidth:expectedHeight:)``
  ///   when the map's size differs from the image's;
  ///   ``SegmentationError/invalidParameter(algorithm:field:value:expected:)`` when `color`
  ///   does not have one value per channel.
  /// - Complexity: O(*n*) for *n* pixels.
  public func overlayingBoundaries(of labels: LabelMap, color: [Float] = [1, 0, 0])
    throws(SegmentationError) -> Image
  {
    guard labels.width == width && labels.height == height else {
      throw .sizeMismatch(
        field: "labels", width: labels.width, height: labels.height, expectedWidth: width,
        expectedHeight: height)
    }
    guard color.count == channels else {
      throw .invalidParameter(
        algorithm: "overlayingBoundaries", field: "color", value: "\(color)",
        expected: "\(channels) value\(channels == 1 ? "" : "s"), one per channel")
    }
    var result = self
    for (p, isBoundary) in labels.boundaryMask().enumerated() where isBoundary {
      for c in 0..<channels { result.pixels[p * channels + c] = color[c] }
    }
    return result
  }
}
