import Imaging
import Testing

@Suite struct RGBColorTests {
  @Test func hexComponents() {
    #expect(RGBColor(hex: 0xFF8000) == RGBColor(red: 1, green: 128 / 255, blue: 0))
  }

  @Test func paletteColoursAreDistinct() {
    let palette = RGBColor.palette
    #expect(palette.count == 10 && Set(palette).count == 10)
    for (i, a) in palette.enumerated() {
      for b in palette[(i + 1)...] {
        let distance = abs(a.red - b.red) + abs(a.green - b.green) + abs(a.blue - b.blue)
        #expect(distance > 0.2, "\(a) and \(b) are too close")
      }
    }
  }

  @Test func categoriesCycleThroughThePalette() {
    #expect(RGBColor.category(0) == RGBColor.palette[0])
    #expect(RGBColor.category(13) == RGBColor.palette[3])
    #expect(RGBColor.category(-1) == RGBColor.palette[9])
  }

  @Test func luminance() {
    #expect(RGBColor.white.luminance > 0.99 && RGBColor.black.luminance == 0)
    #expect(
      RGBColor(red: 0, green: 1, blue: 0).luminance > RGBColor(red: 0, green: 0, blue: 1).luminance)
  }
}
