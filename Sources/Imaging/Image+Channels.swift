/// Weights that turn R, G, B into one luma value.
public enum LumaWeights: String, CaseIterable, Sendable {
  /// ITU-R BT.601: `0.299 R + 0.587 G + 0.114 B` — OpenCV `COLOR_RGB2GRAY`, Pillow `"L"`,
  /// MATLAB `rgb2gray` (which selective search's reference code uses).
  case rec601
  /// ITU-R BT.709: `0.2125 R + 0.7154 G + 0.0721 B` — scikit-image `rgb2gray`.
  case rec709

  /// The `(red, green, blue)` weights; they sum to 1.
  public var weights: (red: Float, green: Float, blue: Float) {
    switch self {
    case .rec601: (0.299, 0.587, 0.114)
    case .rec709: (0.2125, 0.7154, 0.0721)
    }
  }
}

extension Image {
  /// Converts an RGB image to one luma channel, a weighted sum of R, G and B
  /// (no gamma handling, like OpenCV and scikit-image).
  ///
  ///     let grey = image.grayscale()                    // BT.601, as OpenCV
  ///     let skimageGrey = image.grayscale(weights: .rec709)
  ///
  /// - Parameter weights: The luma weights. Default: `.rec601`.
  /// - Returns: A one-channel image of the same size, values in `[0, 1]` for inputs in
  ///   `[0, 1]`. A one-channel image is returned unchanged.
  /// - Precondition: The image has 1 or 3 channels.
  /// - Complexity: O(*n*) for *n* pixels.
  public func grayscale(weights: LumaWeights = .rec601) -> Image {
    if channels == 1 { return self }
    precondition(channels == 3, "grayscale: expected 1 or 3 channels, got \(channels)")
    let (wr, wg, wb) = weights.weights
    let count = width * height
    let output = [Float](unsafeUninitializedCapacity: count) { out, initialized in
      pixels.withUnsafeBufferPointer { source in
        for p in 0..<count {
          out[p] = wr * source[3 * p] + wg * source[3 * p + 1] + wb * source[3 * p + 2]
        }
      }
      initialized = count
    }
    return Image(width: width, height: height, channels: 1, pixels: output)
  }

  /// The mean of each channel over all pixels, accumulated in `Double`.
  ///
  ///     let fill = image.meanColor()    // [R̄, Ḡ, B̄]
  ///
  /// - Returns: `channels` values.
  /// - Complexity: O(*n*) for *n* samples.
  public func meanColor() -> [Float] {
    var sums = [Double](repeating: 0, count: channels)
    let c = channels
    pixels.withUnsafeBufferPointer { source in
      sums.withUnsafeMutableBufferPointer { sums in
        for p in 0..<(width * height) {
          for channel in 0..<c { sums[channel] += Double(source[p * c + channel]) }
        }
      }
    }
    let count = Double(width * height)
    return sums.map { Float($0 / count) }
  }

  /// One channel as a single-channel image.
  ///
  ///     let lightness = image.converted(to: .lab).channel(0)
  ///
  /// - Parameter index: The channel, in `0..<channels`.
  /// - Returns: A one-channel image of the same size.
  /// - Complexity: O(*n*) for *n* pixels.
  public func channel(_ index: Int) -> Image {
    precondition(index >= 0 && index < channels, "channel: index \(index) outside 0..<\(channels)")
    if channels == 1 { return self }
    let c = channels
    let count = width * height
    let output = [Float](unsafeUninitializedCapacity: count) { out, initialized in
      pixels.withUnsafeBufferPointer { source in
        for p in 0..<count { out[p] = source[p * c + index] }
      }
      initialized = count
    }
    return Image(width: width, height: height, channels: 1, pixels: output)
  }

  /// Interleaves single-channel images of the same size into one image, in order.
  ///
  ///     let rgb = Image(stackingChannels: [red, green, blue])
  ///
  /// - Parameter planes: At least one single-channel image; all the same size.
  /// - Complexity: O(*n*) for *n* output samples.
  public init(stackingChannels planes: [Image]) {
    precondition(!planes.isEmpty, "Image(stackingChannels:): no channels")
    let width = planes[0].width
    let height = planes[0].height
    for plane in planes {
      precondition(
        plane.channels == 1 && plane.width == width && plane.height == height,
        "Image(stackingChannels:): every plane must be one channel of \(width)x\(height)")
    }
    let c = planes.count
    let count = width * height
    var output = [Float](repeating: 0, count: count * c)
    output.withUnsafeMutableBufferPointer { out in
      for (index, plane) in planes.enumerated() {
        plane.pixels.withUnsafeBufferPointer { source in
          for p in 0..<count { out[p * c + index] = source[p] }
        }
      }
    }
    self.init(width: width, height: height, channels: c, pixels: output)
  }
}
