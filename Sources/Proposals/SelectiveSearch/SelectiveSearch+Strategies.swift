import Imaging
import Segmentation

extension SelectiveSearch {
  /// Which similarity measures a grouping strategy adds up (Uijlings et al. 2013, section 3.2).
  ///
  /// Each measure lies in `[0, 1]` and the strategy merges the neighbouring pair with the
  /// largest sum: ``colour`` (histogram intersection of 25-bin colour histograms),
  /// ``texture`` (intersection of 8-orientation × 10-bin gradient histograms), ``size``
  /// (`1 − (|a| + |b|) / |image|`, small regions merge first) and ``fill``
  /// (`1 − (|box(a ∪ b)| − |a| − |b|) / |image|`, regions that fill each other's gaps merge
  /// first). The description is the paper's notation, e.g. `"C+T+S+F"`.
  ///
  ///     let set: SelectiveSearch.SimilaritySet = [.texture, .size, .fill]   // "T+S+F"
  public struct SimilaritySet: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Colour similarity, *s*_colour.
    public static let colour = SimilaritySet(rawValue: 1)
    /// Texture similarity, *s*_texture.
    public static let texture = SimilaritySet(rawValue: 2)
    /// Size similarity, *s*_size.
    public static let size = SimilaritySet(rawValue: 4)
    /// Fill (shape compatibility) similarity, *s*_fill.
    public static let fill = SimilaritySet(rawValue: 8)
    /// All four: the paper's C+T+S+F.
    public static let all: SimilaritySet = [.colour, .texture, .size, .fill]

    /// The paper's notation: the letters C, T, S, F of the members joined by `+`
    /// (`"none"` for the empty set).
    public var description: String {
      let letters = [(SimilaritySet.colour, "C"), (.texture, "T"), (.size, "S"), (.fill, "F")]
        .filter { contains($0.0) }.map(\.1)
      return letters.isEmpty ? "none" : letters.joined(separator: "+")
    }

    /// Parses the paper's notation (`"C+T+S+F"`, `"T+S+F"`, `"F"`; letters in any order).
    public init?(notation: String) {
      var set: SimilaritySet = []
      for letter in notation.split(separator: "+") {
        switch letter.uppercased() {
        case "C": set.insert(.colour)
        case "T": set.insert(.texture)
        case "S": set.insert(.size)
        case "F": set.insert(.fill)
        default: return nil
        }
      }
      guard !set.isEmpty else { return nil }
      self = set
    }
  }

  /// One diversification strategy: a colour space, a segmentation and a similarity set.
  ///
  /// Strategies that share `colorSpace`, `threshold`, `minimumSegmentSize`,
  /// `channelWeights`, `connectivity` and `quantizesToEightBits` share one
  /// Felzenszwalb–Huttenlocher segmentation and one set of initial histograms.
  ///
  ///     let strategy = SelectiveSearch.Strategy(colorSpace: .lab, threshold: 100, similarity: .all)
  public struct Strategy: Hashable, Sendable {
    /// The colour space of the segmentation and of the colour and texture histograms.
    public var colorSpace: ColorSpace
    /// The segmentation's *k*, in 0–255 colour units (see
    /// ``/Segmentation/FelzenszwalbSegmentation``).
    public var threshold: Float
    /// Segments with fewer pixels are merged away by the segmentation, in pixels.
    public var minimumSegmentSize: Int
    /// The similarity measures added up when grouping.
    public var similarity: SimilaritySet
    /// Per-channel factors of the segmentation's colour distances (see
    /// ``/Segmentation/FelzenszwalbSegmentation/channelWeights``); `nil` weighs every channel
    /// 1. The histograms do not depend on it.
    public var channelWeights: [Float]?
    /// The segmentation's pixel graph (see
    /// ``/Segmentation/FelzenszwalbSegmentation/connectivity``).
    public var connectivity: PixelConnectivity
    /// Whether the segmentation rounds its channels to 8 bits first, as OpenCV's does (see
    /// ``/Segmentation/FelzenszwalbSegmentation/quantizesToEightBits``). The histograms do
    /// not depend on it.
    public var quantizesToEightBits: Bool
    /// Whether the strategy is computed as OpenCV ximgproc's selective search computes it,
    /// step for step: OpenCV's 8-bit colour conversion (``/Imaging/Image/openCVBytes(in:)``),
    /// its graph segmentation (4-connected, Float in 0–255, its blur, sort and merge rules),
    /// its region adjacency, its histograms (colour bins over the bytes, texture from Scharr
    /// derivatives of the plane and of the plane rotated by 45°), its Float similarity
    /// arithmetic (weighted mean of the measures) and its merge order (the pair array
    /// re-sorted with the standard library's introsort before each merge). `channelWeights`,
    /// `connectivity` and `quantizesToEightBits` are then not read. The `opencv-` presets set
    /// it; their boxes are OpenCV's (see the *Selective search* section of the benchmarks).
    public var followsOpenCV: Bool

    /// Creates a strategy.
    ///
    /// - Parameters:
    ///   - colorSpace: Colour space of segmentation and histograms.
    ///   - threshold: Segmentation *k* in 0–255 colour units, finite and `>= 0`.
    ///   - minimumSegmentSize: Smallest initial region in pixels, `>= 0`. Default: `nil`,
    ///     which means `Int(threshold)` as in the authors' code (`minSize = k`).
    ///   - similarity: Non-empty set of similarity measures. Default: ``SimilaritySet/all``.
    ///   - channelWeights: Per-channel factors of the segmentation's distances, one per
    ///     channel of `colorSpace`, or `nil` for all 1. Default: `nil`.
    ///   - connectivity: The segmentation's pixel graph. Default: `.eight` (the paper's).
    ///   - quantizesToEightBits: Round the segmentation's channels to 8 bits first.
    ///     Default: `false`.
    ///   - followsOpenCV: Compute the strategy as OpenCV ximgproc does. Default: `false`.
    public init(
      colorSpace: ColorSpace, threshold: Float, minimumSegmentSize: Int? = nil,
      similarity: SimilaritySet = .all, channelWeights: [Float]? = nil,
      connectivity: PixelConnectivity = .eight, quantizesToEightBits: Bool = false,
      followsOpenCV: Bool = false
    ) {
      self.colorSpace = colorSpace
      self.threshold = threshold
      self.minimumSegmentSize =
        minimumSegmentSize ?? (threshold.isFinite && threshold >= 0 ? Int(threshold) : 0)
      self.similarity = similarity
      self.channelWeights = channelWeights
      self.connectivity = connectivity
      self.quantizesToEightBits = quantizesToEightBits
      self.followsOpenCV = followsOpenCV
    }

    /// The segmentation of the strategy with pre-blur `sigma`; strategies that differ only
    /// in their similarity set give equal segmenters and share one segmentation.
    func segmenter(sigma: Float) -> FelzenszwalbSegmentation {
      FelzenszwalbSegmentation(
        threshold: threshold, sigma: sigma, minimumSize: minimumSegmentSize,
        colorSpace: colorSpace, channelWeights: channelWeights, connectivity: connectivity,
        quantizesToEightBits: quantizesToEightBits)
    }
  }

  /// The diversification presets: the paper's three and OpenCV ximgproc's three.
  ///
  /// | mode | colour spaces | *k* (min. segment size) | similarity sets | strategies |
  /// |---|---|---|---|---|
  /// | ``single`` | HSV | 100 (100) | C+T+S+F | 1 |
  /// | ``fast`` | HSV, Lab | 50, 100 (= *k*) | C+T+S+F, T+S+F | 8 |
  /// | ``quality`` | HSV, Lab, rgI, H, I | 50, 100, 150, 300 (= *k*) | C+T+S+F, T+S+F, F, S | 80 |
  /// | ``openCVSingle`` | HSV | 200 (100) | C+T+S+F | 1 |
  /// | ``openCVFast`` | HSV, Lab | 150, 300, 450 (100) | C+T+S+F, T+S+F | 12 |
  /// | ``openCVQuality`` | HSV, Lab, luma, blue, rg-luma | 150, 300, 450, 600, 750 (100) | C+T+S+F, T+S+F, F, S | 100 |
  ///
  /// The paper's presets take the minimum segment size equal to *k*, as the authors' code
  /// does; OpenCV keeps `createGraphSegmentation()`'s default of 100 pixels. Both use a
  /// pre-blur of sigma 0.8. The `opencv-` presets follow OpenCV's computation
  /// (``Strategy/followsOpenCV``) and give OpenCV's boxes; their quality mode uses OpenCV's
  /// grey and "rgI" images (``/Imaging/ColorSpace/luma``, ``/Imaging/ColorSpace/rgLuma``) and,
  /// where OpenCV means to use hue, the blue plane that OpenCV actually segments
  /// (``/Imaging/ColorSpace/blue``). Their `connectivity`, `quantizesToEightBits` and
  /// `channelWeights` describe OpenCV's graph (4-connected, 8-bit, hue weighed 180/255) for
  /// anyone who turns `followsOpenCV` off. The paper's presets keep the authors' 8-connected
  /// graph on unrounded channels and weigh every channel's full range equally.
  public enum Mode: String, CaseIterable, Sendable {
    /// The paper's Selective Search Single.
    case single
    /// The paper's Selective Search Fast (used by R-CNN).
    case fast
    /// The paper's Selective Search Quality.
    case quality
    /// OpenCV's `switchToSingleStrategy()` (k = 200).
    case openCVSingle = "opencv-single"
    /// OpenCV's `switchToSelectiveSearchFast()` (base k 150, step 150).
    case openCVFast = "opencv-fast"
    /// OpenCV's `switchToSelectiveSearchQuality()` (base k 150, step 150), with the blue
    /// plane OpenCV segments where it means to use hue.
    case openCVQuality = "opencv-quality"

    /// The strategies of the preset, colour space outermost, then *k*, then similarity set
    /// (the order in which their proposals are combined).
    public var strategies: [Strategy] {
      let spaces: [ColorSpace]
      let thresholds: [Float]
      let sets: [SimilaritySet]
      let minimumSize: Int?
      switch self {
      case .single: (spaces, thresholds, sets, minimumSize) = ([.hsv], [100], [.all], nil)
      case .fast:
        (spaces, thresholds, sets, minimumSize) = (
          [.hsv, .lab], [50, 100], [.all, [.texture, .size, .fill]], nil
        )
      case .quality:
        (spaces, thresholds, sets, minimumSize) = (
          [.hsv, .lab, .rgi, .hue, .intensity], [50, 100, 150, 300],
          [.all, [.texture, .size, .fill], .fill, .size], nil
        )
      case .openCVSingle: (spaces, thresholds, sets, minimumSize) = ([.hsv], [200], [.all], 100)
      case .openCVFast:
        (spaces, thresholds, sets, minimumSize) = (
          [.hsv, .lab], [150, 300, 450], [.all, [.texture, .size, .fill]], 100
        )
      case .openCVQuality:
        (spaces, thresholds, sets, minimumSize) = (
          [.hsv, .lab, .luma, .blue, .rgLuma], [150, 300, 450, 600, 750],
          [.all, [.texture, .size, .fill], .fill, .size], 100
        )
      }
      let openCV = [.openCVSingle, .openCVFast, .openCVQuality].contains(self)
      return spaces.flatMap { space in
        thresholds.flatMap { k in
          sets.map {
            Strategy(
              colorSpace: space, threshold: k, minimumSegmentSize: minimumSize, similarity: $0,
              channelWeights: openCV ? openCVChannelWeights(for: space) : nil,
              connectivity: openCV ? .four : .eight, quantizesToEightBits: openCV,
              followsOpenCV: openCV)
          }
        }
      }
    }
  }

  /// The channel weights that give a segmentation in `space` OpenCV's 8-bit hue scale:
  /// `cvtColor(…, COLOR_BGR2HSV)` on 8-bit images stores hue as degrees / 2 (0–180) while
  /// the other channels and *k* span 0–255, so a full turn of hue counts 180/255 of a full
  /// saturation or value step. `[180/255, 1, 1]` for ``/Imaging/ColorSpace/hsv``,
  /// `[180/255]` for ``/Imaging/ColorSpace/hue``, `nil` (all 1) for the other spaces.
  ///
  /// OpenCV's 8-bit L\*a\*b\* also rescales a\* and b\* (by about 0.72 and 0.79 against their
  /// full ranges); those weights are not applied: on coco-tiny they lowered the `opencv-fast`
  /// preset's AR at N = all (0.413 against 0.421 with the hue weight alone). Strategies that
  /// follow OpenCV (``Strategy/followsOpenCV``) segment OpenCV's 8-bit images directly and do
  /// not read these weights.
  public static func openCVChannelWeights(for space: ColorSpace) -> [Float]? {
    switch space {
    case .hsv: [180 / 255, 1, 1]
    case .hue: [180 / 255]
    case .rgb, .lab, .rgi, .intensity, .luma, .rgLuma, .blue: nil
    }
  }
}
