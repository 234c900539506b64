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
