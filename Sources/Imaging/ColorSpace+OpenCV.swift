extension ColorSpace {
  /// The factor and offset that map a converted channel to OpenCV's 8-bit encoding:
  /// `byte = round(value * scale + offset)`, clamped to `0...255`.
  func openCVByteEncoding(channel: Int) -> (scale: Double, offset: Double) {
    switch (self, channel) {
    case (.hsv, 0), (.hue, _): (180, 0)  // OpenCV stores H / 2 in 0..179.
    case (.lab, 0): (255.0 / 100.0, 0)
    case (.lab, _): (1, 128)
    default: (255, 0)
    }
  }
}

extension Image {
  /// Converts an sRGB image to a colour space and encodes it as OpenCV encodes 8-bit images
  /// (`cv2.cvtColor` on `uint8` input), for comparing with OpenCV-based pipelines such as
  /// ximgproc's selective search.
  ///
  /// | space | byte encoding |
  /// |---|---|
  /// | ``ColorSpace/hsv`` | H · 180 (OpenCV's degrees / 2, `0...179`), S · 255, V · 255 |
  /// | ``ColorSpace/hue`` | H · 180 |
  /// | ``ColorSpace/lab`` | L · 255 / 100, a + 128, b + 128 |
  /// | any other space | value · 255 |
  ///
  /// Values are rounded to nearest (halves away from zero) and clamped to `0...255`; a hue
  /// that rounds to 180 wraps to 0.
  ///
  ///     let bytes = image.openCVBytes(in: .lab)    // like cv2.cvtColor(img, COLOR_RGB2Lab)
  ///
  /// - Parameter space: The target colour space.
  /// - Returns: `width * height * space.channelCount` interleaved bytes, row-major.
  /// - Precondition: The image has 3 channels (R, G, B).
  /// - Complexity: O(*n*) for *n* pixels, plus the cost of ``converted(to:)``.
  ///
  /// Differences from OpenCV: OpenCV computes 8-bit Lab and HSV in fixed point with its
  /// own white point (0.950456, 1, 1.088754) and rounding, so single values differ by at
  /// most 1. Checked against `Fixtures/goldens/color.json` (`opencv_RGB2Lab_uint8`,
  /// `opencv_RGB2HSV_uint8`: every channel within 1).
  public func openCVBytes(in space: ColorSpace) -> [UInt8] {
    let converted = converted(to: space)
    let c = converted.channels
    let encodings = (0..<c).map { space.openCVByteEncoding(channel: $0) }
    let isHue = (0..<c).map { space == .hue || (space == .hsv && $0 == 0) }
    let count = converted.pixels.count
    return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
      converted.pixels.withUnsafeBufferPointer { source in
        for i in 0..<count {
          let channel = i % c
          let (scale, offset) = encodings[channel]
          var value = (Double(source[i]) * scale + offset).rounded()
          if isHue[channel] && value >= 180 { value -= 180 }
          out[i] = UInt8(min(max(value, 0), 255))
        }
      }
      initialized = count
    }
  }
}
