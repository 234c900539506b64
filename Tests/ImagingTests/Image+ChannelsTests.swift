import Boxes
import Imaging
import Testing

@Suite struct ImageChannelsTests {
  @Test func grayscaleWeights() {
    let image = Image(width: 3, height: 1, channels: 3, pixels: [1, 0, 0, 0, 1, 0, 0.5, 0.5, 0.5])
    let rec601 = image.grayscale()
    #expect(rec601.channels == 1)
    #expect(abs(rec601.pixels[0] - 0.299) < 1e-7 && abs(rec601.pixels[1] - 0.587) < 1e-7)
    #expect(abs(rec601.pixels[2] - 0.5) < 1e-6)
    let rec709 = image.grayscale(weights: .rec709)
    #expect(abs(rec709.pixels[0] - 0.2125) < 1e-7 && abs(rec709.pixels[1] - 0.7154) < 1e-7)
    for weights in LumaWeights.allCases {
      let (r, g, b) = weights.weights
      #expect(abs(r + g + b - 1) < 1e-6)
    }
    let grey = Image(width: 2, height: 2, channels: 1, repeating: 0.4)
    #expect(grey.grayscale() == grey)
  }

  @Test func meanColorPerChannel() {
    let image = Image(width: 2, height: 2, channels: 2, pixels: [0, 1, 1, 1, 0.5, 0, 0.5, 0])
    #expect(image.meanColor() == [0.5, 0.5])
    // Double accumulation: a million small values do not drift.
    let large = Image(width: 1000, height: 1000, channels: 1, repeating: 0.1)
    #expect(large.meanColor() == [0.1])
  }

  @Test func channelExtractionAndStackingRoundTrip() {
    var random = SplitMix64(seed: 17)
    let image = random.image(width: 5, height: 4, channels: 3)
    let planes = (0..<3).map { image.channel($0) }
    #expect(planes.allSatisfy { $0.channels == 1 && $0.width == 5 && $0.height == 4 })
    #expect(planes[2][x: 3, y: 1, channel: 0] == image[x: 3, y: 1, channel: 2])
    #expect(Image(stackingChannels: planes) == image)
    #expect(Image(stackingChannels: [planes[2], planes[0]]).channel(1) == planes[0])
  }
}
