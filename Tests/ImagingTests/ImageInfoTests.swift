import CVips
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct ImageInfoTests {
  @Test(arguments: [
    ("astronaut.png", "png", 512, 512), ("chelsea.png", "png", 451, 300),
    ("coffee.png", "png", 600, 400), ("rocket.jpg", "jpeg", 640, 427),
  ])
  func readsFixtureHeaders(name: String, format: String, width: Int, height: Int) throws {
    let info = try ImageInfo.read(contentsOf: Fixtures.url("dataset/images/\(name)"))
    #expect(
      info
        == ImageInfo(
          width: width, height: height, bands: 3, format: format, bitsPerSample: 8, hasAlpha: false,
          orientation: 1))
    #expect(info.uprightWidth == width && !info.isTransposed)
  }

  @Test func headerSizeMatchesTheDecodedSize() throws {
    let url = Fixtures.url("dataset/images/coffee.png")
    let info = try ImageInfo.read(contentsOf: url)
    let image = try Image(contentsOf: url)
    #expect(info.uprightWidth == image.width && info.uprightHeight == image.height)
  }

  @Test func readsHugeHeadersWithoutDecoding() throws {
    let directory = try Fixtures.temporaryDirectory("imaging-info")
    let file = directory.appendingPathComponent("wide.png").path
    try VipsTestFiles.write(
      [UInt8](repeating: 7, count: 3000 * 2), width: 3000, height: 1, bands: 2,
      interpretation: VIPS_INTERPRETATION_B_W, to: file)
    let info = try ImageInfo.read(contentsOf: URL(fileURLWithPath: file))
    #expect(info.width == 3000 && info.height == 1 && info.bands == 2 && info.hasAlpha)
  }

  @Test func badFilesGiveTypedErrors() throws {
    let directory = try Fixtures.temporaryDirectory("imaging-info")
    let missing = directory.appendingPathComponent("missing.jpg")
    #expect(throws: ImagingError.fileNotFound(file: missing.path)) {
      try ImageInfo.read(contentsOf: missing)
    }
    let empty = directory.appendingPathComponent("empty.png")
    try Data().write(to: empty)
    #expect(throws: ImagingError.emptyFile(file: empty.path)) {
      try ImageInfo.read(contentsOf: empty)
    }
    let text = directory.appendingPathComponent("readme.png")
    try Data("not a picture".utf8).write(to: text)
    #expect {
      try ImageInfo.read(contentsOf: text)
    } throws: { error in
      guard case .unsupported(let file, _) = error as? ImagingError else { return false }
      return file == text.path
    }
  }

  @Test(arguments: 1...8)
  func orientationTransposesForFiveToEight(orientation: Int) {
    let info = ImageInfo(
      width: 40, height: 20, bands: 3, format: "jpeg", bitsPerSample: 8, hasAlpha: false,
      orientation: orientation)
    let transposed = orientation >= 5
    #expect(info.isTransposed == transposed)
    #expect(info.uprightWidth == (transposed ? 20 : 40))
    #expect(info.uprightHeight == (transposed ? 40 : 20))
  }
}
