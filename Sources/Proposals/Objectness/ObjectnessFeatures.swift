import Boxes
import Edges
import Foundation
import Imaging
import ProposalIO
import Segmentation

/// Cheap per-proposal objectness cues, computed once per image with integral images so each
/// box costs O(1) (edges, colour) or O(superpixels) (straddling).
///
/// The image cues are computed on a working copy of the image whose longer side is at most
/// ``Settings/workingSide`` (shrunk by 2x2 averaging, then bilinear); boxes are scaled to it.
/// Cues, in the order of ``names`` (the image cues after Alexe, Deselaers, Ferrari 2012):
/// - `edge_density`: mean Sobel strength inside the box (the paper's ED cue, here over the
///   whole box rather than its inner ring).
/// - `edge_contrast`: edge density inside the box minus the density of the surrounding ring
///   (the box grown by ``Settings/ringFraction`` of its side on every side, clipped).
/// - `color_contrast`: chi-square distance between the normalised HSV histograms
///   (4 hue x 2 saturation x 2 value bins) of the box and its ring (the paper's CC cue);
///   `0` when the ring is empty.
/// - `superpixel_straddling`: SS = 1 − Σ_s min(|s∖b|, |s∩b|) / |b| over SLIC superpixels
///   *s* (the paper's SS cue, its strongest).
/// - `log_area_fraction`: log of box area / image area (the paper's location/size prior).
/// - `log_aspect`: log(width / height).
/// - `center_distance`: distance of the box centre from the image centre divided by the
///   half diagonal, in `[0, 1]`.
/// - `rank`: the generator's rank of the box, normalised to `[0, 1]` (0 = best).
/// - `log_rank`: log(1 + rank), the generator's rank on a scale that does not depend on how
///   many proposals it returned.
/// - `log_level`: log(1 + provenance level) (the selective-search hierarchy position), `0`
///   for generators that record no level.
/// - `log_score`: log of the generator's score, clamped below at 1e-6.
///
/// Boxes are rounded outward to whole working pixels and clipped to the image; a box covering
/// no pixel is widened to one pixel.
///
///     let cues = try ObjectnessFeatures(image: image)
///     let row = cues.features(for: proposals[0], rank: 0, count: proposals.count)
///
/// - Complexity: O(*n* · 16) time and memory for *n* working pixels to build (plus SLIC); per
///   box O(1) for the edge and colour cues and O(*S*) for *S* superpixels.
///
/// Reference: B. Alexe, T. Deselaers, V. Ferrari, "Measuring the Objectness of Image
/// Windows", IEEE TPAMI 34(11), 2012. <https://doi.org/10.1109/TPAMI.2012.28>
public struct ObjectnessFeatures: Sendable {
  /// How the per-image tables are built. Stored in every ``ObjectnessModel``, since a model
  /// only fits cues computed the way it was trained.
  public struct Settings: Sendable, Hashable, Codable {
    /// Longer side of the working image, in pixels; larger images are shrunk to it. `nil`
    /// keeps the full size. Default: `320` (on coco-tiny the cues cost a fifth of full size's
    /// time with the same held-out recall, Docs/objectness.md).
    public var workingSide: Int?
    /// SLIC superpixels of the straddling cue (Achanta et al. 2012). Default: `200`, as in
    /// Alexe et al.'s SS cue.
    public var superpixels: Int
    /// Ring width as a fraction of the box side, on every side, `> 0`. Default: `0.25`.
    public var ringFraction: Float

    enum CodingKeys: String, CodingKey {
      case workingSide = "working_side"
      case superpixels
      case ringFraction = "ring_fraction"
    }

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - workingSide: Longer side of the working image, pixels, or `nil`. Default: `320`.
    ///   - superpixels: SLIC superpixels, `>= 1`. Default: `200`.
    ///   - ringFraction: Ring width as a fraction of the box side, `> 0`. Default: `0.25`.
    public init(workingSide: Int? = 320, superpixels: Int = 200, ringFraction: Float = 0.25) {
      self.workingSide = workingSide
      self.superpixels = superpixels
      self.ringFraction = ringFraction
    }

    /// The largest ``workingSide``: 65536 pixels.
    public static let maximumWorkingSide = 65_536
    /// The largest ``superpixels``: one million.
    public static let maximumSuperpixels = 1_000_000
    /// The largest ``ringFraction``: 10 box sides on every side.
    public static let maximumRingFraction: Float = 10

    /// Checks the ranges; `file` names the source in errors.
    ///
    /// - Throws: ``ObjectnessError/malformed(file:field:reason:)`` naming the setting.
    public func validate(file: String) throws(ObjectnessError) {
      if let workingSide, !(8...Self.maximumWorkingSide).contains(workingSide) {
        throw .malformed(
          file: file, field: "cues.working_side",
          reason: "\(workingSide) is not between 8 and \(Self.maximumWorkingSide)")
      }
      guard (1...Self.maximumSuperpixels).contains(superpixels) else {
        throw .malformed(
          file: file, field: "cues.superpixels",
          reason: "\(superpixels) is not between 1 and \(Self.maximumSuperpixels)")
      }
      // The ring's margin is a pixel count: a huge fraction would overflow it.
      guard ringFraction > 0 && ringFraction <= Self.maximumRingFraction else {
        throw .malformed(
          file: file, field: "cues.ring_fraction",
          reason: "\(ringFraction) is not a finite value in (0, \(Self.maximumRingFraction)]")
      }
    }
  }

  /// The cue names, in the order of ``features(for:rank:count:)``.
  public static let names = [
    "edge_density", "edge_contrast", "color_contrast", "superpixel_straddling",
    "log_area_fraction", "log_aspect", "center_distance", "rank", "log_rank", "log_level",
    "log_score",
  ]
  /// Number of HSV histogram bins (4 hue x 2 saturation x 2 value).
  public static let colorBins = 16

  /// The settings the tables were built with.
  public let settings: Settings
  /// Working image width in pixels.
  public let width: Int
  /// Working image height in pixels.
  public let height: Int
  /// Working pixels per input pixel, horizontally.
  public let scaleX: Float
  /// Working pixels per input pixel, vertically.
  public let scaleY: Float
  /// Per-working-pixel edge strength in `[0, 1]` (Sobel).
  public let edgeStrength: [Float]
  /// Per-working-pixel HSV bin in `0..<colorBins`.
  public let colorBin: [UInt8]
  /// Per-working-pixel superpixel label.
  public let superpixels: [Int32]

  private let edgeIntegral: [Double]
  private let colorIntegral: [Int32]  // colorBins planes of (w+1)(h+1)
  private let segments: [SegmentTable]

  /// One superpixel: its pixel bounds and an integral image of its indicator over them.
  private struct SegmentTable: Sendable {
    var x0: Int, y0: Int, x1: Int, y1: Int, size: Int
    var integral: [Int32]
    func count(_ rx0: Int, _ ry0: Int, _ rx1: Int, _ ry1: Int) -> Int {
      let ax = max(rx0, x0), ay = max(ry0, y0), bx = min(rx1, x1), by = min(ry1, y1)
      guard bx > ax && by > ay else { return 0 }
      let stride = x1 - x0 + 1
      let a = ax - x0, b = bx - x0, c = ay - y0, d = by - y0
      return Int(
        integral[d * stride + b] - integral[c * stride + b] - integral[d * stride + a]
          + integral[c * stride + a])
    }
  }

  /// Computes the per-image tables.
  ///
  /// - Parameters:
  ///   - image: RGB in `[0, 1]`.
  ///   - settings: Working size, superpixels and ring. Default: `Settings()`.
  /// - Throws: ``ProposalsError/invalidParameter(generator:field:value:expected:)`` for a
  ///   non-RGB or empty image or bad settings; edge and segmentation errors pass through.
  public init(image: Image, settings: Settings = Settings()) throws {
    guard image.channels == 3, image.width > 0, image.height > 0 else {
      throw ProposalsError.invalidParameter(
        generator: "objectness", field: "image",
        value: "\(image.width)x\(image.height)x\(image.channels)", expected: "a non-empty RGB image"
      )
    }
    do { try settings.validate(file: "objectness cues") } catch {
      throw ProposalsError.invalidParameter(
        generator: "objectness", field: "settings", value: "\(settings)",
        expected: error.description)
    }
    self.settings = settings
    let working = Self.workingImage(image, side: settings.workingSide)
    let w = working.width, h = working.height, n = w * h
    width = w
    height = h
    scaleX = Float(w) / Float(image.width)
    scaleY = Float(h) / Float(image.height)
    let edges = try GradientEdgeDetector(operator: .sobel).edges(in: working)
    edgeStrength = edges.strength
    let hsv = working.converted(to: .hsv).pixels
    var bins = [UInt8](repeating: 0, count: n)
    for p in 0..<n {
      let hue = min(3, max(0, Int(hsv[3 * p] * 4)))
      let sat = hsv[3 * p + 1] >= 0.5 ? 1 : 0
      let val = hsv[3 * p + 2] >= 0.5 ? 1 : 0
      bins[p] = UInt8(hue * 4 + sat * 2 + val)
    }
    colorBin = bins
    let labels = try SLIC(segments: settings.superpixels).segment(working).labels
    superpixels = labels.labels

    let stride = w + 1
    var ei = [Double](repeating: 0, count: stride * (h + 1))
    var ci = [Int32](repeating: 0, count: Self.colorBins * stride * (h + 1))
    let plane = stride * (h + 1)
    for y in 0..<h {
      var rowSum = 0.0
      var rowCounts = [Int32](repeating: 0, count: Self.colorBins)
      for x in 0..<w {
        rowSum += Double(edgeStrength[y * w + x])
        ei[(y + 1) * stride + x + 1] = ei[y * stride + x + 1] + rowSum
        rowCounts[Int(bins[y * w + x])] += 1
        for b in 0..<Self.colorBins {
          ci[b * plane + (y + 1) * stride + x + 1] =
            ci[b * plane + y * stride + x + 1] + rowCounts[b]
        }
      }
    }
    edgeIntegral = ei
    colorIntegral = ci

    // Superpixel bounds, then an indicator integral over each one's bounds.
    let count = labels.count
    var bx0 = [Int](repeating: w, count: count), by0 = [Int](repeating: h, count: count)
    var bx1 = [Int](repeating: 0, count: count), by1 = [Int](repeating: 0, count: count)
    var sizes = [Int](repeating: 0, count: count)
    for y in 0..<h {
      for x in 0..<w {
        let l = Int(labels.labels[y * w + x])
        bx0[l] = min(bx0[l], x)
        by0[l] = min(by0[l], y)
        bx1[l] = max(bx1[l], x + 1)
        by1[l] = max(by1[l], y + 1)
        sizes[l] += 1
      }
    }
    var tables = [SegmentTable]()
    tables.reserveCapacity(count)
    for l in 0..<count where sizes[l] > 0 {
      let sw = bx1[l] - bx0[l], sh = by1[l] - by0[l], s = sw + 1
      var integral = [Int32](repeating: 0, count: s * (sh + 1))
      for y in 0..<sh {
        var row: Int32 = 0
        for x in 0..<sw {
          if labels.labels[(y + by0[l]) * w + x + bx0[l]] == Int32(l) { row += 1 }
          integral[(y + 1) * s + x + 1] = integral[y * s + x + 1] + row
        }
      }
      tables.append(
        SegmentTable(
          x0: bx0[l], y0: by0[l], x1: bx1[l], y1: by1[l], size: sizes[l], integral: integral))
    }
    segments = tables
  }

  /// The image shrunk so its longer side is at most `side`: halved (bilinear at 2x, which
  /// averages 2x2 blocks) while at least twice too large, then resized bilinearly, so no
  /// pixel is skipped.
  static func workingImage(_ image: Image, side: Int?) -> Image {
    guard let side, max(image.width, image.height) > side else { return image }
    let scale = Double(side) / Double(max(image.width, image.height))
    let targetWidth = max(1, Int((Double(image.width) * scale).rounded()))
    let targetHeight = max(1, Int((Double(image.height) * scale).rounded()))
    var working = image
    while working.width >= 2 * targetWidth && working.height >= 2 * targetHeight {
      // Bilinear at (nearly) 2x averages each 2x2 block.
      working = working.resized(width: working.width / 2, height: working.height / 2)
    }
    return working.resized(width: targetWidth, height: targetHeight)
  }

  /// The whole working-pixel rectangle `[x0, x1) x [y0, y1)` a box (in input pixels)
  /// covers, clipped, at least 1x1.
  public func pixelRect(_ box: Box) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
    func clamp(_ v: Float, _ hi: Int) -> Int {
      guard v.isFinite else { return 0 }
      return Int(min(Float(hi), max(0, v)))
    }
    var x0 = clamp((box.x1 * scaleX).rounded(.down), width)
    var x1 = clamp((box.x2 * scaleX).rounded(.up), width)
    var y0 = clamp((box.y1 * scaleY).rounded(.down), height)
    var y1 = clamp((box.y2 * scaleY).rounded(.up), height)
    if x1 <= x0 {
      if x0 >= width { x0 = width - 1 }
      x1 = x0 + 1
    }
    if y1 <= y0 {
      if y0 >= height { y0 = height - 1 }
      y1 = y0 + 1
    }
    return (x0, y0, x1, y1)
  }

  /// The ring rectangle around a pixel rectangle (which it contains), clipped to the image.
  public func ringRect(_ r: (x0: Int, y0: Int, x1: Int, y1: Int))
    -> (x0: Int, y0: Int, x1: Int, y1: Int)
  {
    let mx = Int((Float(r.x1 - r.x0) * settings.ringFraction).rounded(.up))
    let my = Int((Float(r.y1 - r.y0) * settings.ringFraction).rounded(.up))
    return (max(0, r.x0 - mx), max(0, r.y0 - my), min(width, r.x1 + mx), min(height, r.y1 + my))
  }

  private func edgeSum(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Double {
    let s = width + 1
    return edgeIntegral[y1 * s + x1] - edgeIntegral[y0 * s + x1] - edgeIntegral[y1 * s + x0]
      + edgeIntegral[y0 * s + x0]
  }

  private func colorCount(_ bin: Int, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Int {
    let s = width + 1, o = bin * s * (height + 1)
    return Int(
      colorIntegral[o + y1 * s + x1] - colorIntegral[o + y0 * s + x1]
        - colorIntegral[o + y1 * s + x0] + colorIntegral[o + y0 * s + x0])
  }

  /// The cue vector of one proposal, in the order of ``names``.
  ///
  /// - Parameters:
  ///   - proposal: The proposal, its box in the input image's pixel-edge coordinates.
  ///   - rank: Its 0-based rank in the generator's output.
  ///   - count: The number of proposals ranked, at least 1.
  /// - Returns: ``names``.count finite values.
  public func features(for proposal: Proposal, rank: Int, count: Int) -> [Float] {
    let r = pixelRect(proposal.box)
    let g = ringRect(r)
    let area = Double((r.x1 - r.x0) * (r.y1 - r.y0))
    let ringArea = Double((g.x1 - g.x0) * (g.y1 - g.y0)) - area
    let inner = edgeSum(r.x0, r.y0, r.x1, r.y1)
    let outer = edgeSum(g.x0, g.y0, g.x1, g.y1) - inner
    let density = inner / area
    let contrast = density - (ringArea > 0 ? outer / ringArea : 0)

    var chi2 = 0.0
    if ringArea > 0 {
      for b in 0..<Self.colorBins {
        let inside = colorCount(b, r.x0, r.y0, r.x1, r.y1)
        let ring = colorCount(b, g.x0, g.y0, g.x1, g.y1) - inside
        let p = Double(inside) / area, q = Double(ring) / ringArea
        if p + q > 0 { chi2 += (p - q) * (p - q) / (p + q) }
      }
      chi2 /= 2
    }

    var straddle = 0
    for s in segments {
      let inside = s.count(r.x0, r.y0, r.x1, r.y1)
      straddle += min(inside, s.size - inside)
    }
    let ss = 1 - Double(straddle) / area

    let imageArea = Double(width * height)
    let bw = Double(r.x1 - r.x0), bh = Double(r.y1 - r.y0)
    let cx = Double(r.x0 + r.x1) / 2 - Double(width) / 2
    let cy = Double(r.y0 + r.y1) / 2 - Double(height) / 2
    let halfDiagonal = (Double(width * width + height * height)).squareRoot() / 2
    let rankFeature = count > 1 ? Double(rank) / Double(count - 1) : 0
    let level = Double(max(0, proposal.provenance.level ?? 0))
    let score = Double(proposal.score)
    return [
      density, contrast, chi2, ss, log(area / imageArea), log(bw / bh),
      (cx * cx + cy * cy).squareRoot() / halfDiagonal, rankFeature, log1p(Double(max(0, rank))),
      log1p(level), log(score.isFinite ? max(score, 1e-6) : 1e-6),
    ].map { Float($0) }
  }
}
