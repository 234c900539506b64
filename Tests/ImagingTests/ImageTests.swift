import Imaging
import Testing

@Suite struct ImageTests {
  @Test func interleavedRowMajorLayout() {
    var image = Image(width: 4, height: 3, channels: 3)
    image[x: 2, y: 1, channel: 1] = 0.5
    #expect(image.pixels[(1 * 4 + 2) * 3 + 1] == 0.5)
    #expect(image.pixels.count == 36)
  }
}
