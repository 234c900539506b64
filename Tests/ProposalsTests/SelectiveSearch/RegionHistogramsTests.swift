import Imaging
import Testing

@testable import Proposals

@Suite struct RegionHistogramsTests {
  /// Left half dark red, right half light blue; labels 0 (left) and 1 (right).
  static func halves() -> (Image, [Int32]) {
    var image = Image(width: 8, height: 4, channels: 3)
    var labels = [Int32](repeating: 0, count: 32)
    for y in 0..<4 {
      for x in 0..<8 {
        let colour: [Float] = x < 4 ? [0.5, 0.1, 0.1] : [0.6, 0.8, 1.0]
        for c in 0..<3 { image[x: x, y: y, channel: c] = colour[c] }
        labels[y * 8 + x] = x < 4 ? 0 : 1
      }
    }
    return (image, labels)
  }

  @Test func binsAndDimensionsFollowThePaper() {
    let (image, _) = Self.halves()
    let rgb = PixelBins(rgb: image, space: .rgb)
    #expect(rgb.colourLength == 75 && rgb.textureLength == 240)
    // Positions in the histogram row, channel k's bin b at 25 k + b: 0.5 * 25 = 12.5 -> bin
    // 12; 1.0 -> last bin 24.
    #expect(Array(rgb.colour[0..<3]) == [12, 25 + 2, 50 + 2])
    #expect(Array(rgb.colour[(7 * 3)..<(7 * 3 + 3)]) == [15, 25 + 20, 50 + 24])
    // Texture: orientation j of channel k (8 k + j) at 10 (8 k + j) + bin, bin in 0..<10.
    for (index, position) in rgb.texture.enumerated() {
      #expect(Int(position) / 10 == index % 24, "texture position \(position) at \(index)")
    }
    let grey = PixelBins(rgb: image, space: .intensity)
    #expect(grey.colourLength == 25 && grey.textureLength == 80)
  }

  /// The vectorised texture bins against the plain per-orientation formula: the bin of the
  /// positive (orientations 0–3) or negative part (4–7) of each directional derivative,
  /// `floor(min(max(part, 0) * 10 / largest, 9))`. The image mixes smooth ramps, a hard edge
  /// (responses at the channel's maximum land in bin 9) and a flat channel (scale 0).
  @Test(arguments: [ColorSpace.rgb, .intensity])
  func textureBinsEqualThePlainFormula(space: ColorSpace) {
    var image = Image(width: 23, height: 17, channels: 3)
    for y in 0..<17 {
      for x in 0..<23 {
        image[x: x, y: y, channel: 0] = Float((x * 7 + y * 3) % 29) / 28
        image[x: x, y: y, channel: 1] = x < 11 ? 0.1 : 0.9
        image[x: x, y: y, channel: 2] = 0.25
      }
    }
    let bins = PixelBins(rgb: image, space: space)
    let converted = image.converted(to: space)
    let (dx, dy) = converted.gaussianBlurred(sigma: 1, border: .reflect).derivatives(
      operator: .sobel, border: .reflect)
    let c = converted.channels
    let diagonal = Float(0.5).squareRoot()
    func responses(_ i: Int) -> [Float] {
      let x = dx.pixels[i], y = dy.pixels[i]
      return [x, (x + y) * diagonal, y, (y - x) * diagonal]
    }
    var expected: [UInt8] = []
    var largest = [[Float]](repeating: [0, 0, 0, 0], count: c)
    for i in 0..<(23 * 17 * c) {
      for (d, r) in responses(i).enumerated() { largest[i % c][d] = max(largest[i % c][d], abs(r)) }
    }
    for i in 0..<(23 * 17 * c) {
      let channel = i % c
      let parts = responses(i).map { max($0, 0) } + responses(i).map { max(-$0, 0) }
      for (d, part) in parts.enumerated() {
        let top = largest[channel][d % 4]
        let bin = top > 0 ? Int(min(part * (10 / top), 9)) : 0
        expected.append(UInt8((channel * 8 + d) * 10 + bin))
      }
    }
    let mismatch = zip(bins.texture, expected).enumerated().first { $0.element.0 != $0.element.1 }
    #expect(bins.texture.count == expected.count)
    #expect(
      mismatch == nil, "first mismatch (index, (bin, expected)): \(String(describing: mismatch))")
    // The hard edge and the ramp fill the top bin; the flat channel stays in bin 0.
    #expect(bins.texture.contains { $0 % 10 == 9 })
    if space == .rgb {
      #expect(
        stride(from: 16, to: bins.texture.count, by: 24).allSatisfy { bins.texture[$0] == 160 })
    }
  }

  @Test func histogramsAreL1NormalisedAndIntersectInUnitRange() {
    let (image, labels) = Self.halves()
    let bins = PixelBins(rgb: image, space: .hsv)
    let histograms = RegionHistograms(
      labels: labels, sizes: [16, 16], regionCount: 2, bins: bins, colour: true, texture: true)
    for region in 0..<2 {
      let colourSum = histograms.colour[(region * 75)..<((region + 1) * 75)].reduce(0, +)
      let textureSum = histograms.texture[(region * 240)..<((region + 1) * 240)].reduce(0, +)
      #expect(abs(colourSum - 1) < 1e-5 && abs(textureSum - 1) < 1e-5)
    }
    #expect(abs(histograms.colourIntersection(0, 0) - 1) < 1e-5)
    // Hue, saturation and value all differ between the halves.
    #expect(histograms.colourIntersection(0, 1) < 0.5)
    #expect(histograms.colourIntersection(0, 1) == histograms.colourIntersection(1, 0))
  }

  /// The lane-wise intersection against the plain sum of minima, for one- and three-channel
  /// rows (lengths 25 and 75 leave a tail after the eight-lane blocks; 80 and 240 do not).
  @Test(arguments: [ColorSpace.intensity, .rgb])
  func intersectionEqualsThePlainSumOfMinima(space: ColorSpace) {
    var image = Image(width: 16, height: 9, channels: 3)
    for (index, _) in image.pixels.enumerated() {
      image.pixels[index] = Float((index * 37 + index / 5) % 101) / 100
    }
    let labels = (0..<(16 * 9)).map { Int32($0 % 16 < 5 ? 0 : ($0 / 16 < 4 ? 1 : 2)) }
    let sizes = (0..<3).map { label in labels.filter { $0 == label }.count }
    let bins = PixelBins(rgb: image, space: space)
    let histograms = RegionHistograms(
      labels: labels, sizes: sizes, regionCount: 3, bins: bins, colour: true, texture: true)
    func plain(_ rows: [Float], _ length: Int, _ a: Int, _ b: Int) -> Float {
      (0..<length).reduce(Float(0)) { $0 + min(rows[a * length + $1], rows[b * length + $1]) }
    }
    for (a, b) in [(0, 1), (1, 2), (0, 2), (2, 2)] {
      let colour = histograms.colourIntersection(a, b)
      let texture = histograms.textureIntersection(a, b)
      #expect(abs(colour - plain(histograms.colour, bins.colourLength, a, b)) < 1e-5)
      #expect(abs(texture - plain(histograms.texture, bins.textureLength, a, b)) < 1e-5)
      #expect(colour > 0 && colour <= 1 + 1e-5 && texture > 0 && texture <= 1 + 1e-5)
    }
  }

  /// Counts of any split of the pixels add up to the counts of one pass, and the histograms
  /// built from them are those of the one-pass initializer, bit for bit.
  @Test(arguments: [ColorSpace.hsv, .intensity])
  func countsOfPartsAddUpToTheWhole(space: ColorSpace) {
    var image = Image(width: 13, height: 7, channels: 3)
    for index in image.pixels.indices {
      image.pixels[index] = Float((index * 53 + index / 7) % 97) / 96
    }
    let labels: [Int32] = (0..<(13 * 7)).map { (index: Int) -> Int32 in
      let column = (index % 13) / 5
      return Int32(column + 3 * (index / 39))
    }
    let regionCount = Int(labels.max()!) + 1
    let sizes = (0..<regionCount).map { label in labels.filter { $0 == label }.count }
    let bins = PixelBins(rgb: image, space: space)
    let whole = RegionHistograms.Counts(
      labels: labels, pixels: labels.indices, regionCount: regionCount, bins: bins, colour: true,
      texture: true)
    for cut in [0, 1, 45, 90, 91] {
      var parts = RegionHistograms.Counts(
        labels: labels, pixels: 0..<cut, regionCount: regionCount, bins: bins, colour: true,
        texture: true)
      parts.add(
        RegionHistograms.Counts(
          labels: labels, pixels: cut..<labels.count, regionCount: regionCount, bins: bins,
          colour: true, texture: true))
      #expect(
        parts.colourCounts == whole.colourCounts && parts.textureCounts == whole.textureCounts,
        "cut at \(cut)")
    }
    #expect(whole.colourCounts.reduce(0, +) == UInt32(labels.count * bins.channels))
    #expect(whole.textureCounts.reduce(0, +) == UInt32(labels.count * bins.channels * 8))
    // Frequencies: each count over its region's entries, in place.
    var normalising = whole
    let histograms = normalising.normalised(sizes: sizes, channels: bins.channels)
    for (index, count) in whole.colourCounts.enumerated() {
      let size = Float(sizes[index / bins.colourLength])
      #expect(histograms.colour[index] == Float(count) * (1 / (size * Float(bins.channels))))
    }
    for (index, count) in whole.textureCounts.enumerated() {
      let size = Float(sizes[index / bins.textureLength])
      #expect(histograms.texture[index] == Float(count) * (1 / (size * Float(bins.channels * 8))))
    }
    let colourOnly = RegionHistograms.Counts(
      labels: labels, pixels: labels.indices, regionCount: regionCount, bins: bins, colour: true,
      texture: false)
    #expect(colourOnly.textureCounts.isEmpty && colourOnly.textureLength == 0)
  }

  @Test func mergeIsTheSizeWeightedAverage() {
    let (image, labels) = Self.halves()
    let bins = PixelBins(rgb: image, space: .rgb)
    var histograms = RegionHistograms(
      labels: labels, sizes: [16, 16], regionCount: 2, bins: bins, colour: true, texture: false)
    let before0 = histograms.colour[0..<75].map { $0 }
    let before1 = histograms.colour[75..<150].map { $0 }
    histograms.merge(0, 1, sizeA: 30, sizeB: 10)
    for j in 0..<75 {
      #expect(abs(histograms.colour[j] - (0.75 * before0[j] + 0.25 * before1[j])) < 1e-6)
    }
    #expect(histograms.texture.isEmpty && histograms.textureLength == 0)
    let kept = histograms.keeping(colour: false, texture: false)
    #expect(kept.colour.isEmpty && kept.colourLength == 0)
  }
}
