import Imaging
import Parallel

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
  /// The bands of rows selective search computes the bins of an image of `height` rows in,
  /// on `threads` threads: one band per 192 rows, at most 8 (the derivatives and intermediate
  /// images held at once then stay near a third of those of the whole image from 1536 rows
  /// on, for about 7 % more conversion and filtering, the bands' margins), and at least one
  /// per thread.
  static func rowBands(height: Int, threads: Int) -> Int {
    max(min(threads, height), min(8, height / 192))
  }

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
  ///
  /// The image is processed in `bands` horizontal bands of rows on up to `threads` threads:
  /// each band converts, blurs and differentiates its rows plus a margin of the blur's radius
  /// and one row on each side, so its samples equal those of the whole image, bit for bit,
  /// and only one band's intermediate images at a time are held per thread. The bins are the
  /// same for any band and thread count.
  ///
  /// - Parameters:
  ///   - image: The RGB image.
  ///   - space: The colour space of the bins.
  ///   - bands: Bands of rows (at least 1); more bands hold less memory at a time (a band's
  ///     intermediate images per thread, and the derivatives of the bands not binned yet)
  ///     for a little more work (each band's margin). Default: `1`.
  ///   - threads: Threads for the bands. Default: `1`.
  init(rgb image: Image, space: ColorSpace, bands: Int = 1, threads: Int = 1) {
    precondition(bands >= 1, "PixelBins: \(bands) bands")
    width = image.width
    height = image.height
    let c = space.channelCount
    channels = c
    let count = width * height
    let rowBands = (0..<bands).map {
      ($0 * image.height / bands)..<(($0 + 1) * image.height / bands)
    }
    // The texture's derivatives of each band (its rows' responses) and their largest
    // magnitudes: the scale of the bins is that of the whole image, so binning waits for all.
    var derivatives: [BandDerivatives] = []
    let colour = [UInt8](unsafeUninitializedCapacity: count * c) { out, initialized in
      let bins = UncheckedBuffer(out)
      derivatives =
        (try? orderedParallelMap(count: bands, threads: threads) { band in
          Self.colourBinsAndDerivatives(
            of: image, rows: rowBands[band], space: space, into: bins.buffer)
        }) ?? []
      initialized = count * c
    }
    self.colour = colour
    var largest = [SIMD4<Float>](repeating: SIMD4(), count: c)
    for band in derivatives {
      for channel in 0..<c {
        largest[channel].replace(
          with: band.largest[channel], where: band.largest[channel] .> largest[channel])
      }
    }
    let binCount = SIMD4<Float>(repeating: Float(Self.textureBins))
    let scales = largest.map { SIMD4<Float>().replacing(with: binCount / $0, where: $0 .> 0) }
    let computed = derivatives
    texture = [UInt8](unsafeUninitializedCapacity: count * c * Self.orientations) {
      out, initialized in
      let bins = UncheckedBuffer(out)
      _ = try? orderedParallelMap(count: bands, threads: threads) { band in
        Self.textureBins(
          of: computed[band], channels: c, scales: scales, width: image.width,
          rows: rowBands[band], into: bins.buffer)
        // Each band's derivatives go as soon as its bins are written.
        computed[band].dx = []
        computed[band].dy = []
      }
      initialized = count * c * Self.orientations
    }
  }

  /// The Sobel derivatives of one band (after the blur with sigma 1), whose own rows start at
  /// sample `skip` (the margin's rows before), and per channel the largest magnitude of each
  /// of the four axis responses in its own rows. A class, so the job that bins the band can
  /// free them; `@unchecked Sendable`: each band is read and emptied by one job.
  private final class BandDerivatives: @unchecked Sendable {
    var dx: [Float]
    var dy: [Float]
    let skip: Int
    let largest: [SIMD4<Float>]

    init(dx: [Float], dy: [Float], skip: Int, largest: [SIMD4<Float>]) {
      self.dx = dx
      self.dy = dy
      self.skip = skip
      self.largest = largest
    }
  }

  /// A buffer that concurrent jobs write at disjoint places.
  private struct UncheckedBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }
  }

  /// Writes the colour bins of `rows` into `colour` (their places in the whole image) and
  /// returns the texture derivatives of those rows: the rows plus a margin are converted,
  /// blurred and differentiated (the margin's own samples are not exact and are dropped).
  private static func colourBinsAndDerivatives(
    of image: Image, rows: Range<Int>, space: ColorSpace,
    into colour: UnsafeMutableBufferPointer<UInt8>
  ) -> BandDerivatives {
    let w = image.width
    let margin = Image.gaussianKernel(sigma: 1).count / 2 + 1
    let low = max(0, rows.lowerBound - margin)
    let high = min(image.height, rows.upperBound + margin)
    let rowLength = w * image.channels
    let converted =
      (low..<high == 0..<image.height
      ? image
      : Image(
        width: w, height: high - low, channels: image.channels,
        pixels: Array(image.pixels[(low * rowLength)..<(high * rowLength)]))).converted(to: space)
    let c = converted.channels
    let ranges = space.channelRanges
    let bins = Float(Self.colourBins)
    converted.pixels.withUnsafeBufferPointer { source in
      // The band's first own sample in `converted`, and in the whole image.
      let skip = (rows.lowerBound - low) * w * c
      let first = rows.lowerBound * w * c
      let end = rows.count * w * c
      for channel in 0..<c {
        let low = ranges[channel].lowerBound
        let scale = bins / (ranges[channel].upperBound - low)
        let offset = channel * Self.colourBins
        for i in stride(from: channel, to: end, by: c) {
          // Clamped to [0, bins - 1] first, so truncation is the floor.
          let value = min(max((source[skip + i] - low) * scale, 0), bins - 1)
          colour[first + i] = UInt8(truncatingIfNeeded: offset + Int(value))
        }
      }
    }
    let (dx, dy) = converted.gaussianBlurred(sigma: 1, border: .reflect).derivatives(
      operator: .sobel, border: .reflect)
    let skip = (rows.lowerBound - low) * w * c
    let end = skip + rows.count * w * c
    let diagonal = Float(0.5).squareRoot()
    // Per channel: the largest response per orientation (|dx|, |dx + dy|/√2, |dy|,
    // |dx − dy|/√2 bound both signs of each axis) sets the scale of its bins.
    var largest: [SIMD4<Float>] = []
    dx.pixels.withUnsafeBufferPointer { gx in
      dy.pixels.withUnsafeBufferPointer { gy in
        for channel in 0..<c {
          var top = SIMD4<Float>()
          for i in stride(from: skip + channel, to: end, by: c) {
            let magnitude = magnitudes(responses(gx[i], gy[i], diagonal))
            top.replace(with: magnitude, where: magnitude .> top)
          }
          largest.append(top)
        }
      }
    }
    return BandDerivatives(dx: dx.pixels, dy: dy.pixels, skip: skip, largest: largest)
  }

  /// Writes the 8-orientation texture bins of every channel of one band's rows into
  /// `texture` (their places in the whole image).
  private static func textureBins(
    of band: BandDerivatives, channels c: Int, scales: [SIMD4<Float>], width: Int,
    rows: Range<Int>, into texture: UnsafeMutableBufferPointer<UInt8>
  ) {
    let o = orientations
    let diagonal = Float(0.5).squareRoot()
    let count = rows.count * width
    let top = SIMD4<Float>(repeating: Float(textureBins)) - 1
    // `x + 2^23` rounds `x` in [0, 2^22] to the nearest integer, which is then the low bits
    // of the sum; one less where that rounded up gives the floor. Vector operations
    // throughout (Float-to-integer conversions would check each lane for overflow).
    let magic = SIMD4<Float>(repeating: 0x1p23)
    let magicBits = unsafeBitCast(magic, to: SIMD4<Int32>.self)
    band.dx.withUnsafeBufferPointer { gx in
      band.dy.withUnsafeBufferPointer { gy in
        guard let start = UnsafeMutableRawPointer(texture.baseAddress) else { return }
        let base = start + rows.lowerBound * width * c * o
        for channel in 0..<c {
          // Bin `b` of orientation `d` of channel `k` is at `(k * 8 + d) * 10 + b`;
          // orientations 0–3 hold the positive parts of the responses, 4–7 the negative.
          let first =
            SIMD4<Int32>(0, 1, 2, 3) &* Int32(textureBins)
            &+ Int32(channel * o * textureBins)
          let positiveFirst = first, negativeFirst = first &+ Int32(4 * textureBins)
          let scale = scales[channel]
          for i in stride(from: channel, to: count * c, by: c) {
            let response = responses(gx[band.skip + i], gy[band.skip + i], diagonal)
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
