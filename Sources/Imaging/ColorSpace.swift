/// The colour spaces that selective search diversifies over (Uijlings et al. 2013, table 1).
///
/// Every space is computed from an sRGB image with values in `[0, 1]`. The ranges of the
/// converted channels are listed in ``channelRanges`` and in the *Colour spaces* article;
/// they follow scikit-image (`rgb2hsv`, `rgb2lab`).
///
///     let lab = image.converted(to: .lab)          // L in [0, 100], a and b about ±100
///     let bins = ColorSpace.lab.channelRanges      // for 25-bin colour histograms
///
/// | space | channels | ranges |
/// |---|---|---|
/// | ``rgb`` | R, G, B | `[0, 1]` each |
/// | ``hsv`` | H, S, V | H in `[0, 1)` (degrees / 360), S, V in `[0, 1]` |
/// | ``lab`` | L\*, a\*, b\* | L in `[0, 100]`; a, b unbounded, within the sRGB gamut bounds |
/// | ``rgi`` | r, g, I | `[0, 1]` each |
/// | ``intensity`` | I | `[0, 1]` |
/// | ``hue`` | H | `[0, 1)` |
/// | ``luma`` | Y (BT.601) | `[0, 1]` |
/// | ``rgLuma`` | R, G, Y | `[0, 1]` each |
/// | ``blue`` | B | `[0, 1]` |
///
/// ``luma`` and ``rgLuma`` are the intensity and "rgI" images of OpenCV ximgproc's
/// selective search (`COLOR_BGR2GRAY`, and R, G with that grey), which its quality mode
/// uses where the paper has ``intensity`` and ``rgi``; ``blue`` is the plane that mode
/// segments where it means to use hue (see ``blue``).
///
/// Reference: J. R. R. Uijlings, K. E. A. van de Sande, T. Gevers, A. W. M. Smeulders,
/// "Selective Search for Object Recognition", IJCV 104(2), 2013.
/// <https://doi.org/10.1007/s11263-013-0620-5>
public enum ColorSpace: String, CaseIterable, Sendable {
  /// The input sRGB values, unchanged.
  case rgb
  /// Hue, saturation, value (hexcone model), as scikit-image's `rgb2hsv`: H in `[0, 1)`
  /// (degrees / 360; 0 for greys), S = (max − min) / max (0 for greys and black), V = max.
  case hsv
  /// CIE 1976 L\*a\*b\* for the D65 white point and 2° observer after removing the sRGB
  /// gamma, as scikit-image's `rgb2lab`: L in `[0, 100]`, a and b unbounded in principle
  /// (the sRGB gamut spans a in `[-86.19, 98.24]`, b in `[-107.86, 94.48]`).
  case lab
  /// Normalised rg plus intensity: r = R / (R + G + B), g = G / (R + G + B),
  /// I = (R + G + B) / 3. For black (R + G + B = 0) r and g are `1/3`, the value every
  /// other grey has, so the chromaticity is continuous along the grey axis.
  case rgi
  /// One channel, I = (R + G + B) / 3, the same I as in ``rgi``. (For perceptual luma use
  /// ``Image/grayscale(weights:)``.)
  case intensity
  /// One channel, the H of ``hsv``, in `[0, 1)`.
  case hue
  /// One channel, BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B (``LumaWeights/rec601``,
  /// OpenCV's `COLOR_BGR2GRAY`): the intensity image of OpenCV's selective search.
  case luma
  /// R, G and the ``luma`` Y, unnormalised: the image OpenCV ximgproc's selective search
  /// calls rgI (its quality mode merges the R and G planes with the grey image; the
  /// paper's ``rgi`` normalises r and g instead).
  case rgLuma = "rg-luma"
  /// One channel, the B of RGB. OpenCV ximgproc's quality mode segments this plane where it
  /// means to use the hue plane: it splits the HSV image into an array of three planes,
  /// keeps the first (H), then splits the BGR input into the same array, which writes B
  /// into the buffer the kept H plane shares.
  case blue

  /// Number of channels of an image converted to this space (3 or 1).
  public var channelCount: Int {
    switch self {
    case .rgb, .hsv, .lab, .rgi, .rgLuma: 3
    case .intensity, .hue, .luma, .blue: 1
    }
  }

  /// Short channel names, e.g. `["L", "a", "b"]`, for tables and plot labels.
  public var channelNames: [String] {
    switch self {
    case .rgb: ["R", "G", "B"]
    case .hsv: ["H", "S", "V"]
    case .lab: ["L", "a", "b"]
    case .rgi: ["r", "g", "I"]
    case .intensity: ["I"]
    case .hue: ["H"]
    case .luma: ["Y"]
    case .rgLuma: ["R", "G", "Y"]
    case .blue: ["B"]
    }
  }

  /// The closed range each channel takes for sRGB inputs in `[0, 1]`, one per channel.
  ///
  /// Histogram code divides these ranges into bins. Hue is circular: its upper bound 1 is
  /// the same angle as 0 and is never produced. For ``lab`` the a and b bounds are the
  /// extremes over the sRGB cube (reached at its corners: green and magenta for a, blue
  /// and yellow for b), rounded outwards to two decimals; L may exceed 100 by rounding
  /// (about 1e-5) for white.
  public var channelRanges: [ClosedRange<Float>] {
    switch self {
    case .rgb, .hsv, .rgi, .rgLuma: [0...1, 0...1, 0...1]
    case .lab: [0...100, -86.19...98.24, -107.86...94.48]
    case .intensity, .hue, .luma, .blue: [0...1]
    }
  }
}

extension Image {
  /// Converts an sRGB image to another colour space, pixel by pixel.
  ///
  /// Each output pixel depends only on the same input pixel; the formulas and ranges are
  /// documented on each ``ColorSpace`` case.
  ///
  ///     let hsv = image.converted(to: .hsv)
  ///     let hue = hsv[x: 0, y: 0, channel: 0]     // in [0, 1)
  ///
  /// - Parameter space: The target colour space.
  /// - Returns: An image of the same size with ``ColorSpace/channelCount`` channels.
  /// - Precondition: The image has 3 channels (R, G, B) with values in `[0, 1]`
  ///   (values outside are converted by the same formulas without clamping).
  /// - Complexity: O(*n*) for *n* pixels; Lab costs a cube root per channel and, for
  ///   inputs that are not `k / 255`, a `pow` per channel.
  ///
  /// Checked against `Fixtures/goldens/color.json` (scikit-image 0.26 `rgb2lab` within
  /// 1e-3, `rgb2hsv` within 1e-5 with hue compared circularly).
  public func converted(to space: ColorSpace) -> Image {
    precondition(channels == 3, "converted(to:): expected 3 RGB channels, got \(channels)")
    let count = width * height
    let outChannels = space.channelCount
    if space == .rgb { return self }
    if space == .luma { return grayscale(weights: .rec601) }
    // rg-luma's third plane is the luma image itself.
    let luma = space == .rgLuma ? grayscale(weights: .rec601).pixels : []
    let output = [Float](unsafeUninitializedCapacity: count * outChannels) { out, initialized in
      pixels.withUnsafeBufferPointer { source in
        switch space {
        case .rgb, .luma:
          break
        case .hsv:
          for p in 0..<count {
            let hsv = ColorSpace.hsv(
              red: source[3 * p], green: source[3 * p + 1], blue: source[3 * p + 2])
            out[3 * p] = hsv.hue
            out[3 * p + 1] = hsv.saturation
            out[3 * p + 2] = hsv.value
          }
        case .hue:
          for p in 0..<count {
            out[p] =
              ColorSpace.hsv(red: source[3 * p], green: source[3 * p + 1], blue: source[3 * p + 2])
              .hue
          }
        case .lab:
          let table = ColorSpace.linearSRGBTable
          for p in 0..<count {
            let lab = ColorSpace.lab(
              red: source[3 * p], green: source[3 * p + 1], blue: source[3 * p + 2], table: table)
            out[3 * p] = Float(lab.l)
            out[3 * p + 1] = Float(lab.a)
            out[3 * p + 2] = Float(lab.b)
          }
        case .rgi:
          for p in 0..<count {
            let r = source[3 * p]
            let g = source[3 * p + 1]
            let b = source[3 * p + 2]
            let sum = r + g + b
            if sum == 0 {
              out[3 * p] = 1 / 3
              out[3 * p + 1] = 1 / 3
            } else {
              out[3 * p] = r / sum
              out[3 * p + 1] = g / sum
            }
            out[3 * p + 2] = sum / 3
          }
        case .intensity:
          for p in 0..<count {
            out[p] = (source[3 * p] + source[3 * p + 1] + source[3 * p + 2]) / 3
          }
        case .rgLuma:
          for p in 0..<count {
            out[3 * p] = source[3 * p]
            out[3 * p + 1] = source[3 * p + 1]
            out[3 * p + 2] = luma[p]
          }
        case .blue:
          for p in 0..<count { out[p] = source[3 * p + 2] }
        }
      }
      initialized = count * outChannels
    }
    return Image(width: width, height: height, channels: outChannels, pixels: output)
  }
}
