import Foundation
import Segmentation

/// The per-pixel texture bins of OpenCV ximgproc's selective search
/// (`SelectiveSearchSegmentationStrategyTexture`), computed as OpenCV computes them from an
/// 8-bit image, for the `opencv-` presets.
///
/// Per channel plane, eight maps: the positive and the negative part of the Scharr x and y
/// derivatives of the plane, then of the x and y derivatives of the plane rotated by 45°
/// (bilinear, into the rotated rectangle's bounding box, zeros outside), each rotated back
/// by −45° and cropped to the image. Each map is stretched to bytes between its minimum and
/// maximum (so the negative parts map 0 to 255 and their most negative value to 0) and the
/// byte `v` falls in bin `Int(v / 25.6)` of 10. A pixel's bins are
/// `(channel · 8 + map) · 10 + bin`, in the order x+, x−, y+, y−, rotated x+, x−, y+, y−.
///
/// Differences from OpenCV: the rotated derivatives are resampled with OpenCV's formulas in
/// Double and Float, which the OpenCV 5 wheels compute with other rounding in about 0.03 %
/// of the samples (1 ulp); a byte then moves to the next bin only when it sits on a
/// rounding boundary.
struct OpenCVTextureBins: Sendable {
  static let bins = 10
  static let maps = 8

  let channels: Int
  /// `pixels * channels * 8` bin positions, pixel-major.
  let positions: [UInt16]

  /// The bins of an 8-bit image (`width * height * channels` interleaved bytes).
  init(bytes: [UInt8], width: Int, height: Int, channels c: Int) {
    channels = c
    let count = width * height
    var positions = [UInt16](repeating: 0, count: count * c * Self.maps)
    positions.withUnsafeMutableBufferPointer { positions in
      for channel in 0..<c {
        let plane = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
          for p in 0..<count { out[p] = bytes[p * c + channel] }
          initialized = count
        }
        let gradients = Self.derivatives(plane, width: width, height: height)
        for part in 0..<Self.maps {
          // Map 2i keeps the positive part of derivative i, map 2i + 1 the negative part.
          let stretched = Self.stretchedToBytes(gradients[part / 2], positivePart: part % 2 == 0)
          let first = UInt16((channel * Self.maps + part) * Self.bins)
          stretched.withUnsafeBufferPointer { stretched in
            Self.binOfByte.withUnsafeBufferPointer { binOfByte in
              for p in 0..<count {
                positions[(p * c + channel) * Self.maps + part] =
                  first + UInt16(binOfByte[Int(stretched[p])])
              }
            }
          }
        }
      }
    }
    self.positions = positions
  }

  /// The bin of each byte: `Int(Float(byte) / 25.6)`, OpenCV's `(int)((float)val / (256 / 10))`.
  static let binOfByte: [UInt8] = (0..<256).map {
    UInt8(Int(Float($0) / (256 / Float(bins))))
  }

  /// Texture histogram length: 8 maps × 10 bins per channel.
  var length: Int { channels * Self.maps * Self.bins }

  /// The four derivatives of one plane whose positive and negative parts are the eight
  /// maps, in OpenCV's order: x, y, rotated x, rotated y.
  static func derivatives(_ plane: [UInt8], width w: Int, height h: Int) -> [[Float]] {
    let source = plane.map(Float.init)
    var gradients = [
      scharr(source, width: w, height: h, dx: 1, dy: 0),
      scharr(source, width: w, height: h, dx: 0, dy: 1),
    ]
    // The plane rotated by 45° about its centre into the bounding box of the rotated rectangle.
    let centre = (x: Float(w) / 2, y: Float(h) / 2)
    var forward = rotation(centre: (Double(centre.x), Double(centre.y)), degrees: 45)
    let box = rotatedBounds(centre: centre, width: Float(w), height: Float(h), degrees: 45)
    forward[2] += Double(box.width) / 2 - Double(centre.x)
    forward[5] += Double(box.height) / 2 - Double(centre.y)
    let rotated = warpBytes(
      plane, width: w, height: h, matrix: forward, outWidth: box.width, outHeight: box.height)
    let rotatedFloat = rotated.map(Float.init)
    // Back by −45° about the rotated image's integer centre; crop where the image went.
    let backCentre = (x: Double(Int(Double(box.width) / 2)), y: Double(Int(Double(box.height) / 2)))
    let backward = rotation(centre: backCentre, degrees: -45)
    let backBox = rotatedBounds(
      centre: (Float(backCentre.x), Float(backCentre.y)), width: Float(box.width),
      height: Float(box.height), degrees: -45)
    let startX = max(0, (box.width - w) / 2), startY = max(0, (box.height - h) / 2)
    // Only the part of the back-rotated image that the crop keeps is computed.
    let columns = startX..<min(startX + w, backBox.width)
    let rows = startY..<min(startY + h, backBox.height)
    for (dx, dy) in [(1, 0), (0, 1)] {
      let gradient = scharr(rotatedFloat, width: box.width, height: box.height, dx: dx, dy: dy)
      gradients.append(
        warpFloats(
          gradient, width: box.width, height: box.height, matrix: backward, columns: columns,
          rows: rows, outWidth: w, outHeight: h))
    }
    return gradients
  }

  /// OpenCV's `Scharr(src, CV_32F, dx, dy)` with the reflect-101 border: the derivative
  /// `[-1, 0, 1]` along one axis and the smoothing `[3, 10, 3]` along the other (exact: the
  /// inputs are bytes).
  static func scharr(_ s: [Float], width w: Int, height h: Int, dx: Int, dy: Int) -> [Float] {
    let columns = (-1...w).map { OpenCVGaussianBlur.reflect101($0, w) }
    let rows = (-1...h).map { OpenCVGaussianBlur.reflect101($0, h) }
    var out = [Float](repeating: 0, count: w * h)
    s.withUnsafeBufferPointer { s in
      out.withUnsafeMutableBufferPointer { out in
        for y in 0..<h {
          let up = rows[y] * w, middle = rows[y + 1] * w, down = rows[y + 2] * w
          for x in 0..<w {
            let (left, centre, right) = (columns[x], columns[x + 1], columns[x + 2])
            if dx == 1 {
              let a = s[up + right] - s[up + left]
              let b = s[middle + right] - s[middle + left]
              let c = s[down + right] - s[down + left]
              out[y * w + x] = 3 * a + 10 * b + 3 * c
            } else {
              let a = 3 * s[down + left] + 10 * s[down + centre] + 3 * s[down + right]
              let b = 3 * s[up + left] + 10 * s[up + centre] + 3 * s[up + right]
              out[y * w + x] = a - b
            }
          }
        }
      }
    }
    return out
  }

  /// `getRotationMatrix2D(centre, degrees, 1)`: the 2×3 matrix, row-major.
  static func rotation(centre: (Double, Double), degrees: Double) -> [Double] {
    let angle = degrees * Double.pi / 180
    let alpha = cos(angle), beta = sin(angle)
    return [
      alpha, beta, (1 - alpha) * centre.0 - beta * centre.1,
      -beta, alpha, beta * centre.0 + (1 - alpha) * centre.1,
    ]
  }

  /// `RotatedRect(centre, Size2f(width, height), degrees).boundingRect()`: the integer size
  /// of the box around the rotated rectangle's corners (computed in Float, as OpenCV does).
  static func rotatedBounds(
    centre: (x: Float, y: Float), width: Float, height: Float, degrees: Double
  ) -> (width: Int, height: Int) {
    let angle = degrees * Double.pi / 180
    let b = Float(cos(angle)) * 0.5, a = Float(sin(angle)) * 0.5
    var xs: [Float] = [], ys: [Float] = []
    let x0 = centre.x - a * height - b * width, y0 = centre.y + b * height - a * width
    let x1 = centre.x + a * height - b * width, y1 = centre.y - b * height - a * width
    xs = [x0, x1, 2 * centre.x - x0, 2 * centre.x - x1]
    ys = [y0, y1, 2 * centre.y - y0, 2 * centre.y - y1]
    let left = Int(xs.min()!.rounded(.down)), top = Int(ys.min()!.rounded(.down))
    let right = Int(xs.max()!.rounded(.up)), bottom = Int(ys.max()!.rounded(.up))
    return (right - left + 1, bottom - top + 1)
  }

  /// The inverse of a 2×3 affine matrix, as `warpAffine` inverts it.
  static func inverted(_ m: [Double]) -> [Double] {
    var d = m[0] * m[4] - m[1] * m[3]
    d = d != 0 ? 1 / d : 0
    let a11 = m[4] * d, a22 = m[0] * d
    let a12 = -m[1] * d, a21 = -m[3] * d
    let b1 = -a11 * m[2] - a12 * m[5]
    let b2 = -a21 * m[2] - a22 * m[5]
    return [a11, a12, b1, a21, a22, b2]
  }

  /// The source position of output pixel (x, y) under the inverse matrix `m`: integer
  /// corner and Double fractions.
  @inline(__always)
  static func sourcePosition(_ m: [Double], _ x: Int, _ y: Int) -> (Int, Int, Double, Double) {
    let (dx, dy) = (Double(x), Double(y))
    let sx = m[0] * dx + m[1] * dy + m[2]
    let sy = m[3] * dx + m[4] * dy + m[5]
    let fx = sx.rounded(.down), fy = sy.rounded(.down)
    return (Int(fx), Int(fy), sx - fx, sy - fy)
  }

  /// `warpAffine` of an 8-bit plane, bilinear, constant border 0, rounded to bytes.
  static func warpBytes(
    _ s: [UInt8], width w: Int, height h: Int, matrix: [Double], outWidth: Int, outHeight: Int
  ) -> [UInt8] {
    let m = inverted(matrix)
    var out = [UInt8](repeating: 0, count: outWidth * outHeight)
    @inline(__always) func sample(_ x: Int, _ y: Int) -> Double {
      x >= 0 && x < w && y >= 0 && y < h ? Double(s[y * w + x]) : 0
    }
    for y in 0..<outHeight {
      for x in 0..<outWidth {
        let (ix, iy, ax, ay) = sourcePosition(m, x, y)
        guard ix >= -1 && ix < w && iy >= -1 && iy < h else { continue }
        let top = sample(ix, iy) * (1 - ax) + sample(ix + 1, iy) * ax
        let bottom = sample(ix, iy + 1) * (1 - ax) + sample(ix + 1, iy + 1) * ax
        let value = (top * (1 - ay) + bottom * ay).rounded(.toNearestOrEven)
        out[y * outWidth + x] = UInt8(min(max(value, 0), 255))
      }
    }
    return out
  }

  /// `warpAffine` of a Float plane, bilinear, constant border 0: Float fractions, first
  /// along y, then x, with fused multiply-adds. Only output `columns` × `rows` are computed,
  /// into an `outWidth` × `outHeight` image (zeros where the ranges fall short).
  static func warpFloats(
    _ s: [Float], width w: Int, height h: Int, matrix: [Double], columns: Range<Int>,
    rows: Range<Int>, outWidth: Int, outHeight: Int
  ) -> [Float] {
    let m = inverted(matrix)
    var out = [Float](repeating: 0, count: outWidth * outHeight)
    s.withUnsafeBufferPointer { s in
      @inline(__always) func sample(_ x: Int, _ y: Int) -> Float {
        x >= 0 && x < w && y >= 0 && y < h ? s[y * w + x] : 0
      }
      for y in rows {
        for x in columns {
          let (ix, iy, fx, fy) = sourcePosition(m, x, y)
          guard ix >= -1 && ix < w && iy >= -1 && iy < h else { continue }
          let ax = Float(fx), ay = Float(fy)
          let p00 = sample(ix, iy), p01 = sample(ix + 1, iy)
          let p10 = sample(ix, iy + 1), p11 = sample(ix + 1, iy + 1)
          let left = fused(ay, p10 - p00, p00)
          let right = fused(ay, p11 - p01, p01)
          out[(y - rows.lowerBound) * outWidth + x - columns.lowerBound] =
            fused(ax, right - left, left)
        }
      }
    }
    return out
  }

  /// The positive (`v > 0 ? v : 0`) or the negative (`v > 0 ? 0 : v`) part of `gradient`,
  /// stretched to bytes by `convertTo(CV_8U, 255 / (max − min), −255 min / (max − min))`
  /// (fused multiply-add, rounded half to even); a constant part gives zeros.
  static func stretchedToBytes(_ gradient: [Float], positivePart: Bool) -> [UInt8] {
    gradient.withUnsafeBufferPointer { values in
      @inline(__always) func part(_ value: Float) -> Float {
        positivePart ? (value > 0 ? value : 0) : (value > 0 ? 0 : value)
      }
      var low = Float.infinity, high = -Float.infinity
      for value in values {
        let v = part(value)
        low = v < low ? v : low
        high = v > high ? v : high
      }
      guard high > low else { return [UInt8](repeating: 0, count: values.count) }
      let (hmin, hmax) = (Double(low), Double(high))
      let alpha = Float(255 / (hmax - hmin)), beta = Float(-255 * hmin / (hmax - hmin))
      return [UInt8](unsafeUninitializedCapacity: values.count) { out, initialized in
        for index in 0..<values.count {
          let scaled = fused(part(values[index]), alpha, beta).rounded(.toNearestOrEven)
          out[index] = UInt8(min(max(scaled, 0), 255))
        }
        initialized = values.count
      }
    }
  }
}

/// `a · b + c` rounded once, as OpenCV's fused vector loops give it (see
/// ``/Segmentation/fusedMultiplyAdd(_:_:_:)``, of which this is an inlinable copy).
@inline(__always)
private func fused(_ a: Float, _ b: Float, _ c: Float) -> Float {
  Float(Double(a) * Double(b) + Double(c))
}
