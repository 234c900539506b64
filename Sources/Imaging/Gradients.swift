import Foundation

/// A 3x3 derivative operator: a central difference `[-1, 0, 1]` across the derivative's
/// axis times a smoothing kernel along the other axis.
public enum GradientOperator: String, CaseIterable, Sendable {
  /// Sobel: smoothing `[1, 2, 1]` (scipy.ndimage.sobel, OpenCV `Sobel` with `ksize = 3`).
  /// A unit ramp (value = x) gives a derivative of 8.
  case sobel
  /// Scharr: smoothing `[3, 10, 3]` (OpenCV `Scharr`), more rotation-invariant.
  /// A unit ramp gives a derivative of 32.
  case scharr

  /// The smoothing weights `(side, centre)`: `(1, 2)` or `(3, 10)`.
  var smoothing: (side: Float, center: Float) {
    switch self {
    case .sobel: (1, 2)
    case .scharr: (3, 10)
    }
  }
}

/// The horizontal and vertical derivatives of a single-channel map, with magnitude and
/// orientation derived from them.
///
/// `x` is the derivative along columns (positive where values increase to the right) and
/// `y` along rows (positive where values increase downwards), unnormalised: scale by
/// 1/8 (Sobel) or 1/32 (Scharr) for per-pixel slopes.
public struct ImageGradients: Sendable, Equatable {
  /// Derivative along x (columns), one channel.
  public var x: Image
  /// Derivative along y (rows), one channel.
  public var y: Image

  /// Creates gradients from two single-channel maps of the same size.
  public init(x: Image, y: Image) {
    precondition(
      x.channels == 1 && y.channels == 1, "ImageGradients: derivatives must have one channel")
    precondition(
      x.width == y.width && x.height == y.height, "ImageGradients: derivative sizes differ")
    self.x = x
    self.y = y
  }

  /// `sqrt(x² + y²)` per pixel, one channel.
  ///
  /// - Complexity: O(*n*) for *n* pixels.
  public var magnitude: Image {
    var output = x
    output.pixels.withUnsafeMutableBufferPointer { out in
      y.pixels.withUnsafeBufferPointer { dy in
        for i in 0..<out.count { out[i] = (out[i] * out[i] + dy[i] * dy[i]).squareRoot() }
      }
    }
    return output
  }

  /// `atan2(y, x)` per pixel, in radians in `[-π, π]`, one channel; `0` where both
  /// derivatives are 0. Edge normals; take it modulo π for undirected edge orientation.
  ///
  /// - Complexity: O(*n*) for *n* pixels.
  public var orientation: Image {
    var output = x
    output.pixels.withUnsafeMutableBufferPointer { out in
      y.pixels.withUnsafeBufferPointer { dy in
        for i in 0..<out.count { out[i] = atan2(dy[i], out[i]) }
      }
    }
    return output
  }
}

extension Image {
  /// The x and y derivatives of every channel with a 3x3 Sobel or Scharr operator.
  ///
  /// `x` is the correlation with `[-1, 0, 1]` along rows after smoothing along columns, so
  /// for Sobel it equals `scipy.ndimage.sobel(channel, axis=1, mode=...)`, and `y` equals
  /// `axis=0`.
  ///
  ///     let (dx, dy) = grey.derivatives(operator: .sobel)
  ///
  /// - Parameters:
  ///   - operator: Sobel or Scharr. Default: `.sobel`.
  ///   - border: How samples beyond the edge are read. Default: `.reflect` (scipy's default;
  ///     OpenCV's `Sobel` uses `.reflect101`, `.replicate` gives zero derivative across the
  ///     edge).
  /// - Returns: Two images with this image's size and channel count.
  /// - Complexity: O(*n*) for *n* samples.
  public func derivatives(
    `operator`: GradientOperator = .sobel, border: BorderMode = .reflect
  ) -> (x: Image, y: Image) {
    let count = pixels.count
    let (side, center) = `operator`.smoothing
    let c = channels
    let rowLength = width * c
    let paddedLength = rowLength + 2 * c
    let columns = border.indexTable(count: width, padding: 1)
    let rows = border.indexTable(count: height, padding: 1)
    // Separable: per row, smooth ([side, centre, side]) and difference the three source rows
    // vertically into padded buffers (one extra pixel each side, read through the border
    // table), then difference / smooth those horizontally.
    var smoothed = [Float](repeating: 0, count: paddedLength)
    var differenced = [Float](repeating: 0, count: paddedLength)
    // Every sample of both outputs is written below, so their storage starts uninitialised.
    var dy: [Float] = []
    let dx = [Float](unsafeUninitializedCapacity: count) { outX, initializedX in
      dy = [Float](unsafeUninitializedCapacity: count) { outY, initializedY in
        pixels.withUnsafeBufferPointer { source in
          smoothed.withUnsafeMutableBufferPointer { vs in
            differenced.withUnsafeMutableBufferPointer { vd in
              let vsBase = vs.baseAddress!
              let vdBase = vd.baseAddress!
              for y in 0..<height {
                let above = source.baseAddress! + rows[y] * rowLength
                let here = source.baseAddress! + rows[y + 1] * rowLength
                let below = source.baseAddress! + rows[y + 2] * rowLength
                let vsRow = vsBase + c
                let vdRow = vdBase + c
                for i in 0..<rowLength {
                  vsRow[i] = side * (above[i] + below[i]) + center * here[i]
                  vdRow[i] = below[i] - above[i]
                }
                let leftSource = columns[0] * c
                let rightSource = columns[width + 1] * c
                for channel in 0..<c {
                  vsBase[channel] = vsRow[leftSource + channel]
                  vdBase[channel] = vdRow[leftSource + channel]
                  vsBase[rowLength + c + channel] = vsRow[rightSource + channel]
                  vdBase[rowLength + c + channel] = vdRow[rightSource + channel]
                }
                let gx = outX.baseAddress! + y * rowLength
                let gy = outY.baseAddress! + y * rowLength
                let next = vsBase + 2 * c
                let nextD = vdBase + 2 * c
                for i in 0..<rowLength {
                  gx[i] = next[i] - vsBase[i]
                  gy[i] = side * (vdBase[i] + nextD[i]) + center * vdRow[i]
                }
              }
            }
          }
        }
        initializedY = count
      }
      initializedX = count
    }
    return (
      Image(width: width, height: height, channels: c, pixels: dx),
      Image(width: width, height: height, channels: c, pixels: dy)
    )
  }

  /// The gradient of a single-channel or colour image: for each pixel, the x and y
  /// derivatives of the channel whose gradient magnitude is largest there.
  ///
  /// This is the usual colour edge strength (as in Dollár & Zitnick's structured edges
  /// pipeline and Canny on colour images): an edge visible in any channel counts. On a
  /// single-channel image it is that channel's gradient. Ties between channels go to the
  /// lowest channel index.
  ///
  ///     let g = image.gradients()                 // Sobel, reflect border
  ///     let strength = g.magnitude, angle = g.orientation
  ///
  /// - Parameters:
  ///   - operator: Sobel or Scharr. Default: `.sobel`.
  ///   - border: How samples beyond the edge are read. Default: `.reflect`.
  /// - Returns: Single-channel derivatives of this image's size.
  /// - Complexity: O(*n*) for *n* samples.
  ///
  /// Checked against literal `scipy.ndimage.sobel` outputs (single channel) in the tests.
  public func gradients(
    `operator`: GradientOperator = .sobel, border: BorderMode = .reflect
  ) -> ImageGradients {
    let (dx, dy) = derivatives(operator: `operator`, border: border)
    if channels == 1 { return ImageGradients(x: dx, y: dy) }
    let count = width * height
    let c = channels
    var bestX = [Float](repeating: 0, count: count)
    var bestY = [Float](repeating: 0, count: count)
    dx.pixels.withUnsafeBufferPointer { gx in
      dy.pixels.withUnsafeBufferPointer { gy in
        for p in 0..<count {
          var chosen = p * c
          var best = gx[chosen] * gx[chosen] + gy[chosen] * gy[chosen]
          for channel in 1..<c {
            let i = p * c + channel
            let squared = gx[i] * gx[i] + gy[i] * gy[i]
            if squared > best {
              best = squared
              chosen = i
            }
          }
          bestX[p] = gx[chosen]
          bestY[p] = gy[chosen]
        }
      }
    }
    return ImageGradients(
      x: Image(width: width, height: height, channels: 1, pixels: bestX),
      y: Image(width: width, height: height, channels: 1, pixels: bestY))
  }
}
