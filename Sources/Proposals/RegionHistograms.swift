import Imaging

/// Per-pixel histogram bin indices of one image in one colour space: the part of selective
/// search's features that does not depend on the segmentation.
///
/// Colour: each channel's value range (``Imaging/ColorSpace/channelRanges``) is cut into
/// ``colourBins`` equal bins. Texture: each channel is blurred with a Gaussian of sigma 1 and
/// differentiated (Sobel) in x and y; the directional derivatives along 0°, 45°, 90° and
/// 135° are split into their positive and negative parts, giving 8 orientations whose
/// magnitudes are cut into ``textureBins`` equal bins between 0 and the image's largest
/// response for that channel and orientation.
struct PixelBins: Sendable {
  static let colourBins = 25
  static let textureBins = 10
  static let orientations = 8

  let width: Int
  let height: Int
  /// Channels of the colour space (3 or 1).
  let channels: Int
  /// `pixels * channels` colour bins, each in `0..<colourBins`.
  let colour: [UInt8]
  /// `pixels * channels * orientations` texture bins, each in `0..<textureBins`.
  let texture: [UInt8]

  /// Computes the bins of an RGB image (3 channels, values in `[0, 1]`) in `space`.
  init(rgb image: Image, space: ColorSpace) {
    let converted = image.converted(to: space)
    width = image.width
    height = image.height
    let c = converted.channels
    channels = c
    let count = width * height
    let ranges = space.channelRanges
    let bins = Float(Self.colourBins)
    let lows = ranges.map(\.lowerBound)
    let scales = ranges.map { bins / ($0.upperBound - $0.lowerBound) }
    colour = [UInt8](unsafeUninitializedCapacity: count * c) { out, initialized in
      converted.pixels.withUnsafeBufferPointer { source in
        for i in 0..<(count * c) {
          let channel = i % c
          let value = ((source[i] - lows[channel]) * scales[channel]).rounded(.down)
          out[i] = UInt8(min(max(value, 0), bins - 1))
        }
      }
      initialized = count * c
    }
    texture = Self.textureBins(of: converted)
  }

  /// The 8-orientation texture bins of every channel of `image`.
  private static func textureBins(of image: Image) -> [UInt8] {
    let c = image.channels
    let count = image.width * image.height
    let (dx, dy) = image.gaussianBlurred(sigma: 1, border: .reflect).derivatives(
      operator: .sobel, border: .reflect)
    let diagonal = Float(0.5).squareRoot()
    // Largest response per channel and orientation: |dx|, |dy|, |dx + dy|/√2, |dx − dy|/√2
    // bound both signs of each axis.
    var maxima = [Float](repeating: 0, count: c * 4)
    dx.pixels.withUnsafeBufferPointer { gx in
      dy.pixels.withUnsafeBufferPointer { gy in
        for i in 0..<(count * c) {
          let channel = i % c
          let x = gx[i], y = gy[i]
          maxima[channel * 4] = max(maxima[channel * 4], abs(x))
          maxima[channel * 4 + 1] = max(maxima[channel * 4 + 1], abs((x + y) * diagonal))
          maxima[channel * 4 + 2] = max(maxima[channel * 4 + 2], abs(y))
          maxima[channel * 4 + 3] = max(maxima[channel * 4 + 3], abs((y - x) * diagonal))
        }
      }
    }
    let bins = Float(textureBins)
    let scales = maxima.map { $0 > 0 ? bins / $0 : 0 }
    let o = orientations
    return [UInt8](unsafeUninitializedCapacity: count * c * o) { out, initialized in
      dx.pixels.withUnsafeBufferPointer { gx in
        dy.pixels.withUnsafeBufferPointer { gy in
          for i in 0..<(count * c) {
            let channel = i % c
            let x = gx[i], y = gy[i]
            let responses = (x, (x + y) * diagonal, y, (y - x) * diagonal)
            let base = i * o
            @inline(__always) func put(_ direction: Int, _ response: Float) {
              let scale = scales[channel * 4 + direction]
              let positive = min((max(response, 0) * scale).rounded(.down), bins - 1)
              let negative = min((max(-response, 0) * scale).rounded(.down), bins - 1)
              out[base + direction] = UInt8(positive)
              out[base + 4 + direction] = UInt8(negative)
            }
            put(0, responses.0)
            put(1, responses.1)
            put(2, responses.2)
            put(3, responses.3)
          }
        }
      }
      initialized = count * c * o
    }
  }

  /// Colour histogram length: 25 bins per channel.
  var colourLength: Int { channels * Self.colourBins }
  /// Texture histogram length: 8 orientations × 10 bins per channel.
  var textureLength: Int { channels * Self.orientations * Self.textureBins }
}

/// Colour and texture histograms of the regions of a segmentation, in flat `Float` arrays
/// (one row per region slot), L1-normalised.
///
/// Merging writes the size-weighted average of two rows into the first row's slot, so the
/// arrays never grow: the hierarchy reuses the slot of one of the two merged regions.
struct RegionHistograms: Sendable {
  /// Row length of ``colour`` (0 when colour is not used).
  private(set) var colourLength: Int
  /// Row length of ``texture`` (0 when texture is not used).
  private(set) var textureLength: Int
  /// `regions * colourLength` values; each row sums to 1.
  var colour: [Float]
  /// `regions * textureLength` values; each row sums to 1.
  var texture: [Float]

  /// Builds the histograms of `regionCount` labelled regions in one pass over the pixels.
  ///
  /// - Parameters:
  ///   - labels: One label per pixel in `0..<regionCount`.
  ///   - sizes: Pixel count of each region (each at least 1).
  ///   - bins: The image's per-pixel bins.
  ///   - colour: Whether to build colour histograms.
  ///   - texture: Whether to build texture histograms.
  init(
    labels: [Int32], sizes: [Int], regionCount: Int, bins: PixelBins, colour useColour: Bool,
    texture useTexture: Bool
  ) {
    let c = bins.channels
    colourLength = useColour ? bins.colourLength : 0
    textureLength = useTexture ? bins.textureLength : 0
    var colour = [Float](repeating: 0, count: regionCount * colourLength)
    var texture = [Float](repeating: 0, count: regionCount * textureLength)
    let colourRow = colourLength
    let textureRow = textureLength
    labels.withUnsafeBufferPointer { labels in
      if useColour {
        colour.withUnsafeMutableBufferPointer { histogram in
          bins.colour.withUnsafeBufferPointer { colourBins in
            for p in 0..<labels.count {
              let row = Int(labels[p]) * colourRow
              for channel in 0..<c {
                histogram[row + channel * PixelBins.colourBins + Int(colourBins[p * c + channel])] += 1
              }
            }
          }
        }
      }
      if useTexture {
        let o = PixelBins.orientations
        let b = PixelBins.textureBins
        texture.withUnsafeMutableBufferPointer { histogram in
          bins.texture.withUnsafeBufferPointer { textureBins in
            for p in 0..<labels.count {
              let row = Int(labels[p]) * textureRow
              let source = p * c * o
              for j in 0..<(c * o) {
                histogram[row + j * b + Int(textureBins[source + j])] += 1
              }
            }
          }
        }
      }
    }
    // Every pixel adds `channels` counts (colour) or `channels * 8` counts (texture).
    for region in 0..<regionCount {
      let size = Float(sizes[region])
      if useColour {
        let norm = 1 / (size * Float(c))
        for j in 0..<colourRow { colour[region * colourRow + j] *= norm }
      }
      if useTexture {
        let norm = 1 / (size * Float(c * PixelBins.orientations))
        for j in 0..<textureRow { texture[region * textureRow + j] *= norm }
      }
    }
    self.colour = colour
    self.texture = texture
  }

  /// A copy with only the histograms a similarity set reads (the others emptied), so the
  /// grouping copies and merges no more than it needs.
  func keeping(colour keepColour: Bool, texture keepTexture: Bool) -> RegionHistograms {
    var copy = self
    if !keepColour {
      copy.colour = []
      copy.colourLength = 0
    }
    if !keepTexture {
      copy.texture = []
      copy.textureLength = 0
    }
    return copy
  }

  /// Replaces row `a` with the size-weighted average of rows `a` and `b`
  /// (the paper's `C_t = (|r_i| C_i + |r_j| C_j) / (|r_i| + |r_j|)`).
  mutating func merge(_ a: Int, _ b: Int, sizeA: Int, sizeB: Int) {
    let total = Float(sizeA + sizeB)
    let wa = Float(sizeA) / total
    let wb = Float(sizeB) / total
    Self.blend(&colour, length: colourLength, a, b, wa, wb)
    Self.blend(&texture, length: textureLength, a, b, wa, wb)
  }

  private static func blend(_ rows: inout [Float], length: Int, _ a: Int, _ b: Int, _ wa: Float, _ wb: Float) {
    guard length > 0 else { return }
    rows.withUnsafeMutableBufferPointer { rows in
      let ra = a * length, rb = b * length
      for j in 0..<length { rows[ra + j] = rows[ra + j] * wa + rows[rb + j] * wb }
    }
  }

  /// Histogram intersection of colour rows `a` and `b`, in `[0, 1]`.
  func colourIntersection(_ a: Int, _ b: Int) -> Float {
    Self.intersection(colour, length: colourLength, a, b)
  }

  /// Histogram intersection of texture rows `a` and `b`, in `[0, 1]`.
  func textureIntersection(_ a: Int, _ b: Int) -> Float {
    Self.intersection(texture, length: textureLength, a, b)
  }

  private static func intersection(_ rows: [Float], length: Int, _ a: Int, _ b: Int) -> Float {
    rows.withUnsafeBufferPointer { rows in
      let ra = a * length, rb = b * length
      var sum: Float = 0
      for j in 0..<length { sum += min(rows[ra + j], rows[rb + j]) }
      return sum
    }
  }
}
