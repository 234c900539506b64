import Foundation
import Imaging
import RegionKitTestSupport
import Testing

/// Strict decoding: only photographic formats, and libvips warnings are errors.
@Suite struct ImageDecodingTests {
  let directory: URL

  init() throws {
    directory = try Fixtures.temporaryDirectory("imaging-decoding")
  }

  private func write(_ text: String, to name: String) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
  }

  private func isUnsupported(_ error: any Error, file: URL, naming format: String) -> Bool {
    guard case .unsupported(let name, let reason) = error as? ImagingError else { return false }
    return name == file.path && reason.contains(format) && reason.contains("JPEG")
  }

  @Test func matrixTextNamedJPEGIsRefusedUnlessAllowed() throws {
    // libvips reads "width height" + rows of numbers as a one-band image.
    let url = try write("2 2\n0 1\n1 0\n", to: "matrix.jpg")
    #expect {
      try Image(contentsOf: url)
    } throws: { isUnsupported($0, file: url, naming: "matrix") }
    #expect {
      try ImageInfo.read(contentsOf: url)
    } throws: { isUnsupported($0, file: url, naming: "matrix") }
    let image = try Image(contentsOf: url, decoding: ImageDecoding(formats: [.matrix]))
    #expect(image.width == 2 && image.height == 2)
  }

  @Test func svgNamedJPEGIsRefusedUnlessAllowed() throws {
    let svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">\
      <rect width="20" height="10" fill="red"/></svg>
      """
    let url = try write(svg, to: "drawing.jpg")
    #expect {
      try Image(contentsOf: url)
    } throws: { isUnsupported($0, file: url, naming: "SVG") }
    #expect {
      try Image(data: Data(svg.utf8), name: "upload", maxSide: 8)
    } throws: { error in
      guard case .unsupported("upload", let reason) = error as? ImagingError else { return false }
      return reason.contains("SVG")
    }
    let image = try Image(contentsOf: url, decoding: .lenient)
    #expect(image.width == 20 && image.height == 10)
    #expect(abs(image[x: 5, y: 5, channel: 0] - 1) < 0.01)
  }

  @Test func jpegWithACorruptSegmentFailsOnlyWhenStrict() throws {
    // A damaged entropy-coded segment: libjpeg warns ("Corrupt JPEG data") and fills in.
    var bytes = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let start = bytes.count / 2
    for index in start..<(start + 64) { bytes[index] = 0xFF }
    bytes[start + 64] = 0xD0  // a restart marker where none belongs
    #expect {
      try Image(data: bytes, name: "damaged.jpg")
    } throws: { error in
      switch error as? ImagingError {
      case .undecodable("damaged.jpg", _)?, .truncated("damaged.jpg", _)?: true
      default: false
      }
    }
    let lenient = ImageDecoding(failsOnWarnings: false)
    let image = try Image(data: bytes, name: "damaged.jpg", decoding: lenient)
    #expect(image.width == 640 && image.height == 427)
  }

  @Test(arguments: [nil, 64] as [Int?])
  func truncatedJPEGWithAnEndMarkerAppendedIsAnError(maxSide: Int?) throws {
    // Passes the container check (it ends with FFD9); libjpeg warns and pads with grey.
    let bytes = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let patched = Data(bytes.prefix(bytes.count / 2)) + Data([0xFF, 0xD9])
    #expect(throws: ImagingError.self) {
      try Image(data: patched, name: "patched.jpg", maxSide: maxSide)
    }
    let url = directory.appendingPathComponent("patched.jpg")
    try patched.write(to: url)
    #expect(throws: ImagingError.self) { try Image(contentsOf: url, maxSide: maxSide) }
  }

  @Test func maxSideBelowOneIsATypedError() {
    #expect(
      throws: ImagingError.invalidArgument(
        file: "x.png", argument: "maxSide", value: "0", allowed: "1 or more")
    ) {
      try Image(data: Data([1]), name: "x.png", maxSide: 0)
    }
  }

  @Test func formatsFromLoaderNames() {
    #expect(ImageFormat(loader: "jpegload_source") == .jpeg)
    #expect(ImageFormat(loader: "heifload_buffer") == .heif)
    #expect(ImageFormat(loader: "matrixload_source") == .matrix)
    #expect(ImageFormat(loader: "somethingload") == nil)
    #expect(ImageFormat.photographic.count == 6)
  }
}
