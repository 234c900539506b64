import Foundation

extension ColorSpace {
  /// sRGB to CIE XYZ (D65), the matrix scikit-image uses (`xyz_from_rgb`).
  static let xyzFromLinearRGB: (Double, Double, Double, Double, Double, Double, Double, Double, Double) = (
    0.412453, 0.357580, 0.180423,
    0.212671, 0.715160, 0.072169,
    0.019334, 0.119193, 0.950227
  )

  /// The D65 white point for the 2° observer, (X, Y, Z) with Y = 1 (scikit-image's
  /// `_illuminants["D65"]["2"]`).
  static let whiteD65: (x: Double, y: Double, z: Double) = (0.95047, 1.0, 1.08883)

  /// Removes the sRGB transfer curve (IEC 61966-2-1): linear below 0.04045, a 2.4 power above.
  static func linearSRGB(_ value: Double) -> Double {
    value > 0.04045 ? pow((value + 0.055) / 1.055, 2.4) : value / 12.92
  }

  /// `linearSRGB(Float(k) / 255)` for `k` in `0...255`: a shortcut that gives identical
  /// results for images decoded from 8-bit files.
  static let linearSRGBTable: [Double] = (0...255).map { linearSRGB(Double(Float($0) / 255)) }

  /// The CIE L\*a\*b\* companding function, with scikit-image's constants (ε = 0.008856,
  /// slope 7.787).
  static func labCompand(_ t: Double) -> Double {
    t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116.0
  }

  /// One pixel's L\*a\*b\* (D65, 2°), computed in `Double`, following scikit-image's
  /// `rgb2lab` (`rgb2xyz` then `xyz2lab`).
  ///
  /// - Parameter table: ``linearSRGBTable``, used when a value is exactly `k / 255`.
  static func lab(red: Float, green: Float, blue: Float, table: [Double]) -> (l: Double, a: Double, b: Double) {
    @inline(__always) func linear(_ value: Float) -> Double {
      let scaled = value * 255
      if scaled >= 0 && scaled <= 255 {
        let k = Int(scaled.rounded())
        if Float(k) / 255 == value { return table[k] }
      }
      return linearSRGB(Double(value))
    }
    let r = linear(red), g = linear(green), b = linear(blue)
    let m = xyzFromLinearRGB
    let x = (m.0 * r + m.1 * g + m.2 * b) / whiteD65.x
    let y = (m.3 * r + m.4 * g + m.5 * b) / whiteD65.y
    let z = (m.6 * r + m.7 * g + m.8 * b) / whiteD65.z
    let fx = labCompand(x), fy = labCompand(y), fz = labCompand(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
  }
}
