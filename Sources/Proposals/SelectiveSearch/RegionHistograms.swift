import Imaging

/// Per-pixel histogram bin indices of one image in one colour space: the part of selective
/// search's features that does not depend on the segmentation.
///
/// Colour: each channel's value range (``/Imaging/ColorSpace/channelRanges``) is cut into
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
  /// `pixels * channels` positions in a colour histogram row: channel `k`'s bin `b` is
  /// `k * colourBins + b`.
  let colour: [UInt8]
  /// `pixels * channels * orientations` positions in a texture histogram row: bin `b` of
  /// channel `k`, orientation `d` is `(k * orientations + d) * textureBins + b` (at most 239).
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
        for channel in 0..<c {
          let low = lows[channel], scale = scales[channel]
          let first = channel * Self.colourBins
          for i in stride(from: channel, to: count * c, by: c) {
            // Clamped to [0, bins - 1] first, so truncation is the floor.
            let value = min(max((source[i] - low) * scale, 0), bins - 1)
            out[i] = UInt8(truncatingIfNeeded: first + Int(value))
          }
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
    let o = orientations
    // Per channel: the largest response per orientation (|dx|, |dx + dy|/√2, |dy|,
    // |dx − dy|/√2 bound both signs of each axis) sets the scale of its bins.
    let bins = SIMD4<Float>(repeating: Float(textureBins))
    var scales: [SIMD4<Float>] = []
    dx.pixels.withUnsafeBufferPointer { gx in
      dy.pixels.withUnsafeBufferPointer { gy in
        for channel in 0..<c {
          var largest = SIMD4<Float>()
          for i in stride(from: channel, to: count * c, by: c) {
            let magnitude = magnitudes(responses(gx[i], gy[i], diagonal))
            largest.replace(with: magnitude, where: magnitude .> largest)
          }
          scales.append(SIMD4().replacing(with: bins / largest, where: largest .> 0))
        }
      }
    }
    // `x + 2^23` rounds `x` in [0, 2^22] to the nearest integer, which is then the low bits
    // of the sum; one less where that rounded up gives the floor. Vector operations
    // throughout (Float-to-integer conversions would check each lane for overflow).
    let magic = SIMD4<Float>(repeating: 0x1p23)
    let magicBits = unsafeBitCast(magic, to: SIMD4<Int32>.self)
    let top = bins - 1
    return [UInt8](unsafeUninitializedCapacity: count * c * o) { out, initialized in
      dx.pixels.withUnsafeBufferPointer { gx in
        dy.pixels.withUnsafeBufferPointer { gy in
          guard let base = UnsafeMutableRawPointer(out.baseAddress) else { return }
          for channel in 0..<c {
            // Bin `b` of orientation `d` of channel `k` is at `(k * 8 + d) * 10 + b`;
            // orientations 0–3 hold the positive parts of the responses, 4–7 the negative.
            let first =
              SIMD4<Int32>(0, 1, 2, 3) &* Int32(textureBins)
              &+ Int32(channel * o * textureBins)
            let positiveFirst = first, negativeFirst = first &+ Int32(4 * textureBins)
            let scale = scales[channel]
            for i in stride(from: channel, to: count * c, by: c) {
              let response = responses(gx[i], gy[i], diagonal)
              // In [0, bins], clamped to `top`: the bin of whichever part is not 0.
              let scaled = magnitudes(response) * scale
              let clamped = scaled.replacing(with: top, where: scaled .> top)
              let sum = clamped + magic
              let nearest = unsafeBitCast(sum, to: SIMD4<Int32>.self) &- magicBits
              // A true lane of a mask is -1.
              let bin = nearest &+ unsafeBitCast((sum - magic) .> clamped, to: SIMD4<Int32>.self)
              let zero = SIMD4<Int32>()
              let positive = zero.replacing(with: bin, where: response .> 0) &+ positiveFirst
              let negative = zero.replacing(with: bin, where: response .< 0) &+ negativeFirst
              base.storeBytes(
                of: SIMD8<UInt8>(truncatingIfNeeded: SIMD8(lowHalf: positive, highHalf: negative)),
                toByteOffset: i * o, as: SIMD8<UInt8>.self)
            }
          }
        }
      }
      initialized = count * c * o
    }
  }

  /// The directional derivatives along 0°, 45°, 90° and 135° of a pixel with derivatives
  /// `x` and `y`.
  @inline(__always)
  private static func responses(_ x: Float, _ y: Float, _ diagonal: Float) -> SIMD4<Float> {
    SIMD4(x, (x + y) * diagonal, y, (y - x) * diagonal)
  }

  /// The lanes' absolute values (`pointwiseMax` and friends are not inlined; comparisons
  /// and masked replacements are single vector instructions).
  @inline(__always)
  private static func magnitudes(_ values: SIMD4<Float>) -> SIMD4<Float> {
    values.replacing(with: -values, where: values .< 0)
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

  /// Integer counts of the histogram entries of some of an image's pixels, per region.
  ///
  /// Counts are exact, so the counts of any split of the pixels add up to those of the whole
  /// image: on two threads selective search counts two halves of the image at once and adds
  /// them, with the same result as one pass. They are kept as `UInt32` bit patterns in `Float`
  /// storage, so ``normalised(sizes:channels:)`` turns them into frequencies in place.
  struct Counts: Sendable {
    /// Row length of the colour counts (0 when colour is not counted).
    let colourLength: Int
    /// Row length of the texture counts (0 when texture is not counted).
    let textureLength: Int
    /// `regions * colourLength` counts (bit patterns).
    private var colour: [Float]
    /// `regions * textureLength` counts (bit patterns).
    private var texture: [Float]

    /// Counts the histogram entries of the pixels in `pixels` (raster indices).
    ///
    /// - Parameters:
    ///   - labels: One label per pixel of the image, in `0..<regionCount`.
    ///   - pixels: The pixels to count, a range of raster indices into `labels`.
    ///   - regionCount: Number of regions (rows).
    ///   - bins: The image's per-pixel bins.
    ///   - colour: Whether to count colour entries.
    ///   - texture: Whether to count texture entries.
    init(
      labels: [Int32], pixels: Range<Int>, regionCount: Int, bins: PixelBins,
      colour useColour: Bool, texture useTexture: Bool
    ) {
      let c = bins.channels
      colourLength = useColour ? bins.colourLength : 0
      textureLength = useTexture ? bins.textureLength : 0
      colour = Self.count(
        labels: labels, pixels: pixels, rows: regionCount, rowLength: colourLength,
        positions: bins.colour, perPixel: c)
      texture = Self.count(
        labels: labels, pixels: pixels, rows: regionCount, rowLength: textureLength,
        positions: bins.texture, perPixel: c * PixelBins.orientations)
    }

    /// The colour counts, row by row.
    var colourCounts: [UInt32] { colour.map(\.bitPattern) }
    /// The texture counts, row by row.
    var textureCounts: [UInt32] { texture.map(\.bitPattern) }

    /// `rows * rowLength` counts: one per entry of each pixel's `perPixel` histogram
    /// positions, in its label's row (empty when `rowLength` is 0).
    private static func count(
      labels: [Int32], pixels: Range<Int>, rows: Int, rowLength: Int, positions: [UInt8],
      perPixel: Int
    ) -> [Float] {
      guard rowLength > 0 else { return [] }
      var storage = [Float](repeating: 0, count: rows * rowLength)  // all bits 0: count 0
      labels.withUnsafeBufferPointer { labels in
        positions.withUnsafeBufferPointer { positions in
          storage.withUnsafeMutableBufferPointer { storage in
            storage.withMemoryRebound(to: UInt32.self) { counts in
              guard let histogram = counts.baseAddress, let first = positions.baseAddress else {
                return
              }
              var next = first + pixels.lowerBound * perPixel
              for p in pixels {
                let row = histogram + Int(labels[p]) * rowLength
                for j in 0..<perPixel { row[Int(next[j])] &+= 1 }
                next += perPixel
              }
            }
          }
        }
      }
      return storage
    }

    /// Adds `other`'s counts (of other pixels of the same segmentation).
    mutating func add(_ other: Counts) {
      precondition(
        other.colour.count == colour.count && other.texture.count == texture.count,
        "RegionHistograms.Counts: counts of different shapes")
      Self.add(other.colour, to: &colour)
      Self.add(other.texture, to: &texture)
    }

    private static func add(_ other: [Float], to storage: inout [Float]) {
      other.withUnsafeBufferPointer { other in
        other.withMemoryRebound(to: UInt32.self) { other in
          storage.withUnsafeMutableBufferPointer { storage in
            storage.withMemoryRebound(to: UInt32.self) { counts in
              for i in counts.indices { counts[i] &+= other[i] }
            }
          }
        }
      }
    }

    /// The L1-normalised histograms of the counts of all of an image's pixels, made in
    /// place: these counts are left empty.
    ///
    /// - Parameters:
    ///   - sizes: Pixel count of each region (each at least 1).
    ///   - channels: Channels of the colour space the bins were computed in: every pixel adds
    ///     `channels` colour entries and `channels * 8` texture entries.
    mutating func normalised(sizes: [Int], channels: Int) -> RegionHistograms {
      var histograms = RegionHistograms(
        colourLength: colourLength, textureLength: textureLength, colour: [], texture: [])
      swap(&histograms.colour, &colour)
      swap(&histograms.texture, &texture)
      Self.normalise(&histograms.colour, rowLength: colourLength, sizes: sizes, perPixel: channels)
      Self.normalise(
        &histograms.texture, rowLength: textureLength, sizes: sizes,
        perPixel: channels * PixelBins.orientations)
      return histograms
    }

    /// Turns each row of counts into frequencies: each divided by its region's entry total,
    /// `size * perPixel`.
    private static func normalise(
      _ storage: inout [Float], rowLength: Int, sizes: [Int], perPixel: Int
    ) {
      guard rowLength > 0 else { return }
      precondition(storage.count == sizes.count * rowLength, "RegionHistograms: one size per row")
      storage.withUnsafeMutableBufferPointer { storage in
        storage.withMemoryRebound(to: UInt32.self) { counts in
          for region in sizes.indices {
            let norm = 1 / (Float(sizes[region]) * Float(perPixel))
            for j in (region * rowLength)..<((region + 1) * rowLength) {
              counts[j] = (Float(counts[j]) * norm).bitPattern
            }
          }
        }
      }
    }
  }

  private init(colourLength: Int, textureLength: Int, colour: [Float], texture: [Float]) {
    self.colourLength = colourLength
    self.textureLength = textureLength
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

  private static func blend(
    _ rows: inout [Float], length: Int, _ a: Int, _ b: Int, _ wa: Float, _ wb: Float
  ) {
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

  /// `Σ min(row a, row b)`, eight lanes at a time (eight partial sums added at the end, then
  /// the tail), so the loop vectorises; the order of the additions is fixed, so the result
  /// is the same on every run.
  private static func intersection(_ rows: [Float], length: Int, _ a: Int, _ b: Int) -> Float {
    rows.withUnsafeBufferPointer { rows in
      guard let base = rows.baseAddress, length > 0 else { return 0 }
      let rowA = UnsafeRawPointer(base + a * length), rowB = UnsafeRawPointer(base + b * length)
      var lanes = SIMD8<Float>()
      var j = 0
      while j + 8 <= length {
        let offset = j * MemoryLayout<Float>.stride
        let x = rowA.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let y = rowB.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        lanes += x.replacing(with: y, where: y .< x)
        j += 8
      }
      var sum = lanes.sum()
      while j < length {
        sum += min(rows[a * length + j], rows[b * length + j])
        j += 1
      }
      return sum
    }
  }
}
