import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct ImageSavingTests {
  /// A 17x11 RGB gradient with values off the 1/255 grid, so rounding is exercised.
  static let gradient: Image = {
    var image = Image(width: 17, height: 11, channels: 3)
    for y in 0..<11 {
      for x in 0..<17 {
        image[x: x, y: y, channel: 0] = Float(x) / 16
        image[x: x, y: y, channel: 1] = Float(y) / 10
        image[x: x, y: y, channel: 2] = Float((x * 7 + y * 3) % 13) / 12.3
      }
    }
    return image
  }()

  @Test func pngRoundTripIsWithinHalfAStep() throws {
    let data = try Self.gradient.encoded(as: .png)
    #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let loaded = try Image(data: data, name: "gradient.png")
    #expect(loaded.width == 17 && loaded.height == 11)
    #expect(
      closeMismatch(loaded.pixels, Self.gradient.pixels, atol: 0.5 / 255 + 1e-6, rtol: 0) == nil)
  }

  @Test func pngOfExactEightBitValuesIsLossless() throws {
    let samples: [Float] = (0..<(5 * 4 * 3)).map { (index: Int) -> Float in
      Float((index * 41) % 256) / 255
    }
    let image = Image(width: 5, height: 4, channels: 3, pixels: samples)
    let data = try image.encoded(as: ImageEncoding.png)
    let loaded = try Image(data: data, name: "exact.png")
    #expect(loaded == image)
  }

  @Test func outOfRangeValuesAreClamped() throws {
    let image = Image(width: 2, height: 1, channels: 3, pixels: [-0.5, 2, .nan, 1.5, -3, 0.5])
    let loaded = try Image(data: image.encoded(as: .png), name: "clamped.png")
    #expect(loaded.pixels[0] == 0 && loaded.pixels[1] == 1 && loaded.pixels[2] == 0)
    #expect(loaded.pixels[3] == 1)
    #expect(loaded.pixels[4] == 0 && abs(loaded.pixels[5] - 128 / 255) < 1e-6)
  }

  @Test func greyImagesSaveAsGrey() throws {
    let image = Image(width: 3, height: 2, channels: 1, pixels: [0, 0.2, 0.4, 0.6, 0.8, 1])
    let directory = try Fixtures.temporaryDirectory("imaging-saving")
    let url = directory.appendingPathComponent("grey.png")
    try image.write(to: url)
    #expect(try ImageInfo.read(contentsOf: url).bands == 1)
    let loaded = try Image(contentsOf: url)
    #expect(abs(loaded[x: 1, y: 0, channel: 2] - 0.2) <= 0.5 / 255)
  }

  @Test func jpegQualityTradesSizeForFidelity() throws {
    let photo = try Image(contentsOf: Fixtures.url("dataset/images/coffee.png"))
    let small = try photo.encoded(as: .jpeg(quality: 20))
    let large = try photo.encoded(as: .jpeg(quality: 95))
    #expect(small.starts(with: [0xFF, 0xD8]) && large.starts(with: [0xFF, 0xD8]))
    #expect(small.count < large.count / 2, "q20 \(small.count) bytes, q95 \(large.count) bytes")
    let error20 = meanAbsoluteDifference(try Image(data: small, name: "q20.jpg"), photo)
    let error95 = meanAbsoluteDifference(try Image(data: large, name: "q95.jpg"), photo)
    #expect(error95 < error20 && error95 < 0.02, "mean abs error q95 \(error95), q20 \(error20)")
  }

  @Test func palettePNGIsSmallAndClose() throws {
    let photo = try Image(contentsOf: Fixtures.url("dataset/images/coffee.png"))
    let full = try photo.encoded(as: .png)
    let palette = try photo.encoded(as: .palettePNG)
    #expect(palette.count * 2 < full.count, "\(palette.count) vs \(full.count) bytes")
    let decoded = try Image(data: palette, name: "palette.png")
    #expect(decoded.width == photo.width && decoded.height == photo.height && decoded.channels == 3)
    #expect(meanAbsoluteDifference(decoded, photo) < 0.03)
  }

  @Test func writeChoosesTheFormatFromTheExtension() throws {
    let directory = try Fixtures.temporaryDirectory("imaging-saving")
    for (name, format) in [("a.png", "png"), ("b.jpg", "jpeg"), ("c.JPEG", "jpeg")] {
      let url = directory.appendingPathComponent(name)
      try Self.gradient.write(to: url)
      #expect(try ImageInfo.read(contentsOf: url).format == format)
    }
    let forced = directory.appendingPathComponent("forced.bin")
    try Self.gradient.write(to: forced, as: .png)
    #expect(try ImageInfo.read(contentsOf: forced).format == "png")
  }

  @Test func writeErrorsNameTheFile() throws {
    let directory = try Fixtures.temporaryDirectory("imaging-saving")
    let unknown = directory.appendingPathComponent("picture.bmpx")
    #expect {
      try Self.gradient.write(to: unknown)
    } throws: { error in
      guard case .cannotWrite(let file, _) = error as? ImagingError else { return false }
      return file == unknown.path
    }
    let nowhere = directory.appendingPathComponent("missing-folder/picture.png")
    #expect {
      try Self.gradient.write(to: nowhere)
    } throws: { error in
      guard case .cannotWrite(let file, _) = error as? ImagingError else { return false }
      return file == nowhere.path
    }
  }

  @Test func encodingRefusesWhatTheFormatCannotHold() {
    let twoChannel = Image(width: 2, height: 2, channels: 2, repeating: 0.5)
    #expect(throws: ImagingError.self) { try twoChannel.encoded(as: .jpeg) }
    #expect(throws: Never.self) { try twoChannel.encoded(as: .png) }
    let fiveChannel = Image(width: 2, height: 2, channels: 5, repeating: 0.5)
    #expect(throws: ImagingError.self) { try fiveChannel.encoded(as: .png) }
    #expect(
      throws: ImagingError.cannotEncode(format: "jpeg", reason: "quality 0 is outside 1...100")
    ) {
      try ImageSavingTests.gradient.encoded(as: .jpeg(quality: 0))
    }
  }

  @Test func encodingNamesFollowExtensions() {
    #expect(ImageEncoding(pathExtension: "PNG") == .png)
    #expect(ImageEncoding(pathExtension: "jpeg") == .jpeg(quality: 90))
    #expect(ImageEncoding(pathExtension: "gif") == nil)
  }
}

func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Float {
  precondition(a.pixels.count == b.pixels.count, "meanAbsoluteDifference: sizes differ")
  var total: Float = 0
  for index in a.pixels.indices { total += abs(a.pixels[index] - b.pixels[index]) }
  return total / Float(a.pixels.count)
}
