import Foundation

extension Image {
  /// Converts an sRGB image to a colour space as OpenCV's `cv2.cvtColor` does on 8-bit
  /// images: each channel value is first rounded to a byte (`round(value · 255)`), then the
  /// bytes are converted in OpenCV's fixed-point arithmetic, so the result equals OpenCV's,
  /// byte for byte, for images decoded from 8-bit files. This is the input of OpenCV
  /// ximgproc's selective search, which the `opencv-` presets of selective search follow.
  ///
  /// | space | OpenCV conversion | bytes |
  /// |---|---|---|
  /// | ``ColorSpace/hsv`` | `COLOR_RGB2HSV` | H in `0...179` (degrees / 2), S, V |
  /// | ``ColorSpace/hue`` | the H of `COLOR_RGB2HSV` | H in `0...179` |
  /// | ``ColorSpace/lab`` | `COLOR_RGB2Lab` | L · 255 / 100, a + 128, b + 128 |
  /// | ``ColorSpace/luma`` | `COLOR_RGB2GRAY` | Y |
  /// | ``ColorSpace/rgLuma`` | R, G and `COLOR_RGB2GRAY` | R, G, Y |
  /// | ``ColorSpace/rgb`` | none | R, G, B |
  /// | ``ColorSpace/blue`` | the B plane | B |
  /// | ``ColorSpace/rgi``, ``ColorSpace/intensity`` | (no OpenCV conversion) | value · 255, rounded |
  ///
  /// The fixed-point formulas, for bytes R, G, B:
  /// - HSV: V = max, S = round(diff · 255 · 2¹² / V) / 2¹² with the quotient rounded first,
  ///   H from the hexcone sector scaled by round(180 · 2¹² / (6 · diff)), rounded, plus 180
  ///   when negative (ties of the maximum go to R, then G).
  /// - Grey: (9798 R + 19235 G + 3735 B + 2¹⁴) >> 15 (OpenCV's 15-bit BT.601 weights).
  /// - Lab: linear values from a 256-entry table of 8 · 255 · sRGB⁻¹(k / 255), XYZ with
  ///   12-bit coefficients (white point 0.950456, 1, 1.088754), f(t) from a 3072-entry table
  ///   of 2¹⁵ · f(k / 2040) (f the Lab companding; each entry rounded to Float first), then
  ///   L = (296 f_Y − 1336934) >> 15, a = 500 (f_X − f_Y) / 2¹⁵ + 128,
  ///   b = 200 (f_Y − f_Z) / 2¹⁵ + 128, each rounded half up and clamped to `0...255`.
  ///
  ///     let bytes = image.openCVBytes(in: .lab)    // like cv2.cvtColor(img, COLOR_RGB2Lab)
  ///
  /// - Parameter space: The target colour space.
  /// - Returns: `width * height * space.channelCount` interleaved bytes, row-major.
  /// - Precondition: The image has 3 channels (R, G, B).
  /// - Complexity: O(*n*) for *n* pixels (a few integer operations and table look-ups each).
  ///
  /// Checked against every one of the 2²⁴ 8-bit colours with OpenCV 5.1 (HSV, Lab and grey
  /// identical) and against `Fixtures/goldens/color.json` (`opencv_RGB2Lab_uint8`,
  /// `opencv_RGB2HSV_uint8`: identical).
  public func openCVBytes(in space: ColorSpace) -> [UInt8] {
    precondition(channels == 3, "openCVBytes(in:): expected 3 RGB channels, got \(channels)")
    let count = width * height
    let c = space.channelCount
    if space == .rgi || space == .intensity {
      let converted = converted(to: space)
      return converted.pixels.map(OpenCVColor.byte)
    }
    return [UInt8](unsafeUninitializedCapacity: count * c) { out, initialized in
      pixels.withUnsafeBufferPointer { source in
        for p in 0..<count {
          let r = OpenCVColor.byte(source[3 * p])
          let g = OpenCVColor.byte(source[3 * p + 1])
          let b = OpenCVColor.byte(source[3 * p + 2])
          switch space {
          case .rgb:
            (out[3 * p], out[3 * p + 1], out[3 * p + 2]) = (r, g, b)
          case .hsv:
            (out[3 * p], out[3 * p + 1], out[3 * p + 2]) = OpenCVColor.hsv(r, g, b)
          case .hue:
            out[p] = OpenCVColor.hsv(r, g, b).0
          case .lab:
            (out[3 * p], out[3 * p + 1], out[3 * p + 2]) = OpenCVColor.lab(r, g, b)
          case .luma:
            out[p] = OpenCVColor.gray(r, g, b)
          case .rgLuma:
            (out[3 * p], out[3 * p + 1], out[3 * p + 2]) = (r, g, OpenCVColor.gray(r, g, b))
          case .blue:
            out[p] = b
          case .rgi, .intensity:
            break
          }
        }
      }
      initialized = count * c
    }
  }
}

/// OpenCV's fixed-point 8-bit colour conversions (`cvtColor` on `CV_8U` images), one pixel
/// at a time, with their tables.
enum OpenCVColor {
  /// A value in `[0, 1]` as a byte: `round(value · 255)` (halves away from zero), clamped.
  @inline(__always)
  static func byte(_ value: Float) -> UInt8 {
    UInt8(min(max((value * 255).rounded(), 0), 255))
  }

  /// `round(2¹² · 255 / v)` for `v` in `1...255` (0 for 0): the saturation divisor.
  static let saturationDivisors: [Int32] = (0..<256).map {
    $0 == 0 ? 0 : Int32((Double(255 << 12) / Double($0)).rounded(.toNearestOrEven))
  }
  /// `round(2¹² · 180 / (6 d))` for `d` in `1...255` (0 for 0): the hue divisor.
  static let hueDivisors: [Int32] = (0..<256).map {
    $0 == 0 ? 0 : Int32((Double(180 << 12) / (6 * Double($0))).rounded(.toNearestOrEven))
  }

  /// OpenCV's 8-bit H (`0...179`), S and V of one pixel.
  @inline(__always)
  static func hsv(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
    let (r, g, b) = (Int32(r), Int32(g), Int32(b))
    let v = max(r, g, b)
    let diff = v - min(r, g, b)
    let s = (diff * saturationDivisors[Int(v)] + (1 << 11)) >> 12
    let sector: Int32 = v == r ? g - b : (v == g ? b - r + 2 * diff : r - g + 4 * diff)
    var h = (sector * hueDivisors[Int(diff)] + (1 << 11)) >> 12
    if h < 0 { h += 180 }
    return (UInt8(h), UInt8(s), UInt8(v))
  }

  /// OpenCV's 8-bit grey (`COLOR_RGB2GRAY`): 15-bit BT.601 weights, rounded half up.
  @inline(__always)
  static func gray(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
    let red: Int32 = Int32(r) * 9798, green: Int32 = Int32(g) * 19235
    let blue: Int32 = Int32(b) * 3735
    return UInt8((red + green + blue + 16384) >> 15)
  }

  /// `8 · 255 · sRGB⁻¹(k / 255)` rounded, for bytes `k`: the linear values Lab starts from.
  static let linearTable: [Int32] = (0..<256).map { k in
    let x = Double(Float(k) * (1 / 255 as Float))
    let linear = x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4)
    return Int32((Float(linear) * 2040).rounded(.toNearestOrEven))
  }
  /// `2¹⁵ · f(k / 2040)` for `k` in `0..<3072`, f the Lab companding (cube root above
  /// 0.008856, `7.787 t + 16/116` below), each value rounded to Float before scaling.
  static let companding: [Int32] = (0..<3072).map { k in
    let t = Double(k) / 2040
    let f = t < 0.008856 ? t * 7.787 + 16.0 / 116.0 : cbrt(t)
    return Int32((Float(f) * 32768).rounded(.toNearestOrEven))
  }
  /// The sRGB-to-XYZ matrix divided by the white point (0.950456, 1, 1.088754), times 2¹²,
  /// rounded: rows X, Y, Z; columns R, G, B.
  static let xyzCoefficients: [Int32] = {
    let matrix: [Double] = [
      0.412453, 0.357580, 0.180423, 0.212671, 0.715160, 0.072169, 0.019334, 0.119193, 0.950227,
    ]
    let white: [Double] = [0.950456, 1, 1.088754]
    return (0..<9).map { Int32((4096 * matrix[$0] / white[$0 / 3]).rounded(.toNearestOrEven)) }
  }()

  /// OpenCV's 8-bit L\*a\*b\* of one pixel (L · 255 / 100, a + 128, b + 128).
  @inline(__always)
  static func lab(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
    let c = xyzCoefficients
    let (r, g, b) = (linearTable[Int(r)], linearTable[Int(g)], linearTable[Int(b)])
    @inline(__always) func descale(_ x: Int32, _ n: Int32) -> Int32 { (x + (1 << (n - 1))) >> n }
    let fx = companding[Int(descale(r * c[0] + g * c[1] + b * c[2], 12))]
    let fy = companding[Int(descale(r * c[3] + g * c[4] + b * c[5], 12))]
    let fz = companding[Int(descale(r * c[6] + g * c[7] + b * c[8], 12))]
    let l = descale(296 * fy - 1_336_934, 15)
    let a = descale(500 * (fx - fy) + (128 << 15), 15)
    let bb = descale(200 * (fy - fz) + (128 << 15), 15)
    @inline(__always) func clamp(_ x: Int32) -> UInt8 { UInt8(min(max(x, 0), 255)) }
    return (clamp(l), clamp(a), clamp(bb))
  }
}
