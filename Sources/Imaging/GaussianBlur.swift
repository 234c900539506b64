import Foundation

extension Image {
  /// The widest Gaussian blur the library's algorithms accept, in pixels: a kernel of 8001
  /// taps, wider than any image it could usefully smooth. Larger values are refused with a
  /// typed error by the algorithms that take a `sigma`.
  public static let maximumBlurSigma: Float = 1000

  /// The normalised 1-D Gaussian kernel that ``gaussianBlurred(sigma:border:)`` applies
  /// along each axis, as scipy's `gaussian_filter1d` builds it.
  ///
  /// The radius is `Int(4 * sigma + 0.5)` (scipy's `truncate = 4.0`, rounded to nearest,
  /// not up), the weights are `exp(-x² / (2 sigma²))` for `x` in `-radius...radius`,
  /// computed in `Double` and divided by their sum.
  ///
  ///     Image.gaussianKernel(sigma: 0.8).count   // 7 (radius 3)
  ///
  /// - Parameter sigma: Standard deviation, in pixels, at least 0. `0` gives `[1]`.
  /// - Returns: `2 * radius + 1` weights that sum to 1 (up to Float rounding), symmetric.
  /// - Complexity: O(radius).
  public static func gaussianKernel(sigma: Float) -> [Float] {
    precondition(
      sigma >= 0 && sigma.isFinite, "gaussianKernel: sigma \(sigma) must be finite and >= 0")
    let sd = Double(sigma)
    let radius = Int(4 * sd + 0.5)
    guard radius > 0 else { return [1] }
    let weights = (-radius...radius).map { x in exp(-0.5 * Double(x * x) / (sd * sd)) }
    let sum = weights.reduce(0, +)
    return weights.map { Float($0 / sum) }
  }

  /// Blurs each channel with a separable Gaussian, as `scipy.ndimage.gaussian_filter`
  /// (and scikit-image's `gaussian` with `preserve_range=True`) does per channel.
  ///
  /// The 1-D kernel ``gaussianKernel(sigma:)`` is applied along columns, then along rows;
  /// samples beyond the edge come from `border`. Felzenszwalb segmentation and the
  /// selective-search texture features use it as a pre-blur.
  ///
  ///     let smooth = image.gaussianBlurred(sigma: 0.8)               // skimage felzenszwalb
  ///     let opencvLike = image.gaussianBlurred(sigma: 0.8, border: .reflect101)
  ///
  /// - Parameters:
  ///   - sigma: Standard deviation, in pixels, the same along both axes; `0` returns the
  ///     image unchanged. Must be finite and `>= 0`.
  ///   - border: How samples beyond the edge are read. Default: `.reflect` (scipy's
  ///     default, half-sample symmetric; use `.reflect101` for OpenCV's `GaussianBlur`).
  /// - Returns: An image of the same size and channel count.
  /// - Complexity: O(*n* · *r*) for *n* samples and kernel radius *r* = round(4 sigma);
  ///   one pass over the image with a one-row temporary (each row is filtered along
  ///   columns into the temporary, then along the row into the result).
  ///
  /// Differences from OpenCV: OpenCV's `GaussianBlur` with `ksize = (0, 0)` uses radius
  /// `round(3 sigma)` for 8-bit and `round(4 sigma)` for float images; this always uses
  /// scipy's `Int(4 sigma + 0.5)`. Accumulation is in Float (scipy uses float64 for float64
  /// input), so results agree with scipy to about 1e-6 on values in `[0, 1]`.
  /// Checked against literal `scipy.ndimage.gaussian_filter` outputs and a naive 2-D
  /// convolution in the tests.
  public func gaussianBlurred(sigma: Float, border: BorderMode = .reflect) -> Image {
    let kernel = Image.gaussianKernel(sigma: sigma)
    guard kernel.count > 1 else { return self }
    var result = self
    result.pixels = [Float](unsafeUninitializedCapacity: pixels.count) { out, initialized in
      separableFilter(kernel: kernel, border: border, into: out)
      initialized = pixels.count
    }
    return result
  }

  /// ``gaussianBlurred(sigma:border:)`` written into caller-provided storage, for callers
  /// that keep their own (reused or huge-page) buffers; the samples are the same, bit for
  /// bit.
  ///
  ///     var blurred = [Float](repeating: 0, count: image.pixels.count)
  ///     blurred.withUnsafeMutableBufferPointer { image.gaussianBlur(sigma: 0.8, into: $0) }
  ///
  /// - Parameters:
  ///   - sigma: Standard deviation in pixels, finite and `>= 0`; `0` copies the samples.
  ///   - border: How samples beyond the edge are read. Default: `.reflect`.
  ///   - output: At least `pixels.count` floats; the first `pixels.count` receive the
  ///     blurred samples in this image's layout. Must not overlap ``pixels``.
  /// - Complexity: That of ``gaussianBlurred(sigma:border:)``, without allocating the
  ///   result.
  public func gaussianBlur(
    sigma: Float, border: BorderMode = .reflect, into output: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(
      output.count >= pixels.count,
      "gaussianBlur: output holds \(output.count) samples, the image \(pixels.count)")
    let kernel = Image.gaussianKernel(sigma: sigma)
    guard kernel.count > 1 else {
      _ = output.initialize(from: pixels)
      return
    }
    separableFilter(kernel: kernel, border: border, into: output)
  }

  /// Correlates every column, then every row, with a symmetric odd-length kernel, row by
  /// row through a padded one-row temporary; writes `pixels.count` samples to `output`.
  func separableFilter(
    kernel: [Float], border: BorderMode, into output: UnsafeMutableBufferPointer<Float>
  ) {
    let radius = kernel.count / 2
    let c = channels
    let rowLength = width * c
    let rows = border.indexTable(count: height, padding: radius)
    let columns = border.indexTable(count: width, padding: radius)
    var padded = [Float](repeating: 0, count: (width + 2 * radius) * c)
    pixels.withUnsafeBufferPointer { source in
      kernel.withUnsafeBufferPointer { weights in
        padded.withUnsafeMutableBufferPointer { pad in
          let base = pad.baseAddress!
          let w0 = weights[radius]
          for y in 0..<height {
            // Along the column: the filtered row goes to the middle of the temporary.
            let row = base + radius * c
            let center = source.baseAddress! + rows[y + radius] * rowLength
            for i in 0..<rowLength { row[i] = w0 * center[i] }
            for k in 0..<radius {
              let above = source.baseAddress! + rows[y + k] * rowLength
              let below = source.baseAddress! + rows[y + 2 * radius - k] * rowLength
              let w = weights[k]
              for i in 0..<rowLength { row[i] += w * (above[i] + below[i]) }
            }
            for position in 0..<radius {
              let left = columns[position] * c
              let right = columns[radius + width + position] * c
              for channel in 0..<c {
                base[position * c + channel] = row[left + channel]
                base[(radius + width + position) * c + channel] = row[right + channel]
              }
            }
            // Along the row, from the temporary into the output.
            let target = output.baseAddress! + y * rowLength
            for i in 0..<rowLength { target[i] = w0 * row[i] }
            for k in 0..<radius {
              let left = base + k * c
              let right = base + (2 * radius - k) * c
              let w = weights[k]
              for i in 0..<rowLength { target[i] += w * (left[i] + right[i]) }
            }
          }
        }
      }
    }
  }
}
