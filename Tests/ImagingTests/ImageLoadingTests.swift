import CVips
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct ImageLoadingTests {
  let directory: URL

  init() throws {
    directory = try Fixtures.temporaryDirectory("imaging-loading")
  }

  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  private func pixel(_ image: Image, _ x: Int, _ y: Int) -> [Float] {
    (0..<3).map { image[x: x, y: y, channel: $0] }
  }

  // MARK: Fixtures

  @Test(arguments: [
    ("astronaut.png", 512, 512), ("chelsea.png", 451, 300), ("coffee.png", 600, 400),
    ("rocket.jpg", 640, 427),
  ])
  func loadsFixturePhotos(name: String, width: Int, height: Int) throws {
    let image = try Image(contentsOf: Fixtures.url("dataset/images/\(name)"))
    #expect(image.width == width && image.height == height && image.channels == 3)
    #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    // A photo uses most of the range, not a constant grey.
    #expect(image.pixels.min()! < 0.1 && image.pixels.max()! > 0.9)
  }

  @Test func dataAndFileGiveTheSamePixels() throws {
    let url = Fixtures.url("dataset/images/rocket.jpg")
    let fromFile = try Image(contentsOf: url)
    let fromData = try Image(data: Data(contentsOf: url), name: "rocket.jpg")
    #expect(fromFile == fromData)
  }

  // MARK: Bad input

  @Test func truncatedJPEGIsAnErrorNotAGreyImage() throws {
    let bytes = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let half = bytes.prefix(bytes.count / 2)
    let file = path("half.jpg")
    try half.write(to: URL(fileURLWithPath: file))
    #expect {
      try Image(contentsOf: URL(fileURLWithPath: file))
    } throws: { error in
      guard case .truncated(let name, let reason) = error as? ImagingError else { return false }
      return name == file && !reason.isEmpty
    }
    #expect {
      try Image(data: Data(half), name: "half.jpg")
    } throws: { error in
      guard case .truncated(let name, _) = error as? ImagingError else { return false }
      return name == "half.jpg"
    }
  }

  @Test(arguments: [0.3, 0.95, 0.999], [nil, 64] as [Int?])
  func jpegCutAnywhereIsTruncatedOnEveryPath(fraction: Double, maxSide: Int?) throws {
    let bytes = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let cut = Data(bytes.prefix(Int(Double(bytes.count) * fraction)))
    #expect {
      try Image(data: cut, name: "cut.jpg", maxSide: maxSide)
    } throws: { error in
      guard case .truncated(let name, _) = error as? ImagingError else { return false }
      return name == "cut.jpg"
    }
  }

  @Test func jpegWithDataAfterTheEndMarkerLoads() throws {
    let bytes = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let image = try Image(data: bytes + Data(repeating: 0xAB, count: 5000), name: "trailing.jpg")
    #expect(image == (try Image(data: bytes, name: "rocket.jpg")))
  }

  @Test(arguments: [0.5, 0.999], [nil, 64] as [Int?])
  func truncatedPNGIsAnErrorOnEveryPath(fraction: Double, maxSide: Int?) throws {
    let bytes = try Data(contentsOf: Fixtures.url("dataset/images/chelsea.png"))
    let cut = Data(bytes.prefix(Int(Double(bytes.count) * fraction)))
    #expect {
      try Image(data: cut, name: "cut.png", maxSide: maxSide)
    } throws: { error in
      guard case .truncated(let name, _) = error as? ImagingError else { return false }
      return name == "cut.png"
    }
  }

  @Test func truncatedWebPIsAnError() throws {
    let file = path("whole.webp")
    let samples = (0..<(64 * 48 * 3)).map { UInt8(($0 * 13) % 256) }
    try VipsTestFiles.write(
      samples, width: 64, height: 48, bands: 3, interpretation: VIPS_INTERPRETATION_sRGB, to: file)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    #expect(throws: ImagingError.self) {
      try Image(data: Data(bytes.prefix(bytes.count - 10)), name: "cut.webp")
    }
  }

  @Test func emptyFileAndEmptyData() throws {
    let file = path("empty.jpg")
    try Data().write(to: URL(fileURLWithPath: file))
    #expect(throws: ImagingError.emptyFile(file: file)) {
      try Image(contentsOf: URL(fileURLWithPath: file))
    }
    #expect(throws: ImagingError.emptyFile(file: "upload")) {
      try Image(data: Data(), name: "upload")
    }
  }

  @Test func textFileNamedJPEGIsUnsupported() throws {
    let file = path("notes.jpg")
    try Data("just some text, not an image\n".utf8).write(to: URL(fileURLWithPath: file))
    #expect {
      try Image(contentsOf: URL(fileURLWithPath: file))
    } throws: { error in
      guard case .unsupported(let name, _) = error as? ImagingError else { return false }
      return name == file && String(describing: error).contains("notes.jpg")
    }
  }

  @Test func missingFileAndDirectory() throws {
    let file = path("nowhere.png")
    #expect(throws: ImagingError.fileNotFound(file: file)) {
      try Image(contentsOf: URL(fileURLWithPath: file))
    }
    #expect(throws: ImagingError.fileNotFound(file: directory.path)) {
      try Image(contentsOf: directory)
    }
  }

  // MARK: Shapes

  @Test(arguments: [(1, 1), (1, 2000), (2000, 1)])
  func extremeShapes(width: Int, height: Int) throws {
    let file = path("shape-\(width)x\(height).png")
    let samples = (0..<(width * height * 3)).map { UInt8($0 % 251) }
    try VipsTestFiles.write(
      samples, width: width, height: height, bands: 3, interpretation: VIPS_INTERPRETATION_sRGB,
      to: file)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(image.width == width && image.height == height)
    #expect(image.pixels == samples.map { Float($0) / 255 })
  }

  // MARK: Sample formats and colour spaces

  @Test func sixteenBitPNGIsScaledBy65535() throws {
    let file = path("deep.png")
    let samples: [UInt16] = [65535, 32768, 0, 257, 1000, 65535]
    try VipsTestFiles.write16(
      samples, width: 2, height: 1, bands: 3, interpretation: VIPS_INTERPRETATION_RGB16, to: file)
    #expect(try ImageInfo.read(contentsOf: URL(fileURLWithPath: file)).bitsPerSample == 16)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    let expected = samples.map { Float($0) / 65535 }
    #expect(closeMismatch(image.pixels, expected, atol: 1e-6, rtol: 0) == nil)
  }

  @Test func greyscaleBecomesRGB() throws {
    let file = path("grey.png")
    try VipsTestFiles.write(
      [0, 64, 255], width: 3, height: 1, bands: 1, interpretation: VIPS_INTERPRETATION_B_W,
      to: file)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(image.channels == 3)
    let grey: Float = 64 / 255
    #expect(pixel(image, 1, 0) == [grey, grey, grey])
    #expect(pixel(image, 2, 0) == [1, 1, 1])
  }

  @Test func alphaIsFlattenedOntoWhite() throws {
    let file = path("rgba.png")
    let samples: [UInt8] = [
      255, 0, 0, 0,  // transparent red → white
      0, 0, 255, 255,  // opaque blue
      0, 0, 0, 102,  // 40 % black → 0.6 grey
    ]
    try VipsTestFiles.write(
      samples, width: 3, height: 1, bands: 4, interpretation: VIPS_INTERPRETATION_sRGB, to: file)
    #expect(try ImageInfo.read(contentsOf: URL(fileURLWithPath: file)).hasAlpha)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(pixel(image, 0, 0) == [1, 1, 1])
    #expect(pixel(image, 1, 0) == [0, 0, 1])
    #expect(pixel(image, 2, 0).allSatisfy { abs($0 - 0.6) < 1e-6 })
  }

  @Test func greyWithAlphaIsFlattenedOntoWhite() throws {
    let file = path("grey-alpha.png")
    try VipsTestFiles.write(
      [0, 0, 0, 255], width: 2, height: 1, bands: 2, interpretation: VIPS_INTERPRETATION_B_W,
      to: file)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(pixel(image, 0, 0) == [1, 1, 1])
    #expect(pixel(image, 1, 0) == [0, 0, 0])
  }

  @Test func cmykJPEGBecomesSRGB() throws {
    let file = path("cmyk.jpg")
    // Three 16x16 blocks side by side: paper white, full black ink, full cyan ink.
    let width = 48
    let height = 16
    var samples = [UInt8](repeating: 0, count: width * height * 4)
    for y in 0..<height {
      for x in 16..<32 { samples[(y * width + x) * 4 + 3] = 255 }
      for x in 32..<48 { samples[(y * width + x) * 4] = 255 }
    }
    try VipsTestFiles.write(
      samples, width: width, height: height, bands: 4, interpretation: VIPS_INTERPRETATION_CMYK,
      to: file + "[Q=95]")
    let info = try ImageInfo.read(contentsOf: URL(fileURLWithPath: file))
    #expect(info.bands == 4 && !info.hasAlpha)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(image.channels == 3 && image.width == width)
    let paper = pixel(image, 8, 8)
    let black = pixel(image, 24, 8)
    let cyan = pixel(image, 40, 8)
    #expect(paper.allSatisfy { $0 > 0.9 }, "paper \(paper)")
    #expect(black.allSatisfy { $0 < 0.25 }, "black ink \(black)")
    #expect(cyan[0] < 0.3 && cyan[2] > 0.7, "cyan ink \(cyan)")
  }

  @Test func exifOrientationSixIsApplied() throws {
    let file = path("rotated.jpg")
    // Stored 40 wide x 20 tall, black with a white 6x6 marker at the stored top-left.
    let width = 40
    let height = 20
    var samples = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<6 {
      for x in 0..<6 { for c in 0..<3 { samples[(y * width + x) * 3 + c] = 255 } }
    }
    try VipsTestFiles.write(
      samples, width: width, height: height, bands: 3, interpretation: VIPS_INTERPRETATION_sRGB,
      metadata: ["orientation": 6], to: file + "[Q=100]")

    let info = try ImageInfo.read(contentsOf: URL(fileURLWithPath: file))
    #expect(info.orientation == 6 && info.width == 40 && info.height == 20)
    #expect(info.uprightWidth == 20 && info.uprightHeight == 40)

    // Orientation 6: rotate 90° clockwise to display, so stored top-left → displayed top-right.
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(image.width == 20 && image.height == 40)
    #expect(pixel(image, 17, 2).allSatisfy { $0 > 0.8 }, "marker at the top-right")
    #expect(pixel(image, 2, 2).allSatisfy { $0 < 0.2 }, "top-left is background")
    #expect(pixel(image, 17, 37).allSatisfy { $0 < 0.2 }, "bottom-right is background")

    // The shrink-on-load path rotates too.
    let small = try Image(contentsOf: URL(fileURLWithPath: file), maxSide: 10)
    #expect(small.width == 5 && small.height == 10)
    #expect(pixel(small, 4, 0).allSatisfy { $0 > 0.5 }, "marker at the top-right")
  }

  @Test func firstFrameOfAnAnimatedGIF() throws {
    let file = path("animated.gif")
    // Two 8x8 frames stacked (libvips' page-height layout): white, then black.
    let frame = 8 * 8 * 3
    let samples = [UInt8](repeating: 255, count: frame) + [UInt8](repeating: 0, count: frame)
    try VipsTestFiles.write(
      samples, width: 8, height: 16, bands: 3, interpretation: VIPS_INTERPRETATION_sRGB,
      metadata: ["page-height": 8], to: file)
    #expect(try ImageInfo.read(contentsOf: URL(fileURLWithPath: file)).format == "gif")
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(image.width == 8 && image.height == 8)
    #expect(image.pixels.allSatisfy { $0 > 0.95 })
  }

  @Test(arguments: [("webp", "[lossless]"), ("tif", ""), ("png", "")])
  func losslessRoundTrips(suffix: String, options: String) throws {
    let file = path("round-trip.\(suffix)")
    let samples = (0..<(7 * 5 * 3)).map { UInt8(($0 * 37) % 256) }
    try VipsTestFiles.write(
      samples, width: 7, height: 5, bands: 3, interpretation: VIPS_INTERPRETATION_sRGB,
      to: file + options)
    let image = try Image(contentsOf: URL(fileURLWithPath: file))
    #expect(image.width == 7 && image.height == 5)
    #expect(image.pixels == samples.map { Float($0) / 255 })
  }

  @Test func concurrentFailuresKeepTheirOwnErrors() async throws {
    let jpeg = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let truncated = Data(jpeg.prefix(jpeg.count / 2))
    let text = Data("plain text".utf8)
    // 24 loads at once, three kinds interleaved; libvips has one process-wide error buffer.
    let outcomes = await withTaskGroup(of: (Int, String).self) { group in
      for index in 0..<24 {
        group.addTask {
          let data = [jpeg, truncated, text][index % 3]
          do {
            let image = try Image(data: data, name: "item-\(index)", maxSide: 64)
            return (index, "ok \(image.width)")
          } catch let error as ImagingError {
            switch error {
            case .truncated(let file, _): return (index, "truncated \(file)")
            case .unsupported(let file, _): return (index, "unsupported \(file)")
            default: return (index, "other \(error)")
            }
          } catch {
            return (index, "untyped \(error)")
          }
        }
      }
      var all: [Int: String] = [:]
      for await (index, outcome) in group { all[index] = outcome }
      return all
    }
    for index in 0..<24 {
      let expected = ["ok 64", "truncated item-\(index)", "unsupported item-\(index)"][index % 3]
      #expect(outcomes[index] == expected)
    }
  }

  // MARK: Size limits

  @Test func hugeImageShrinksOnLoadAndIsRefusedWithoutMaxSide() throws {
    let file = path("huge.jpg")
    try VipsTestFiles.writeBlackJPEG(width: 10_000, height: 8_000, to: file)
    let url = URL(fileURLWithPath: file)
    #expect(
      throws: ImagingError.tooLarge(file: file, width: 10_000, height: 8_000, limit: 50_000_000)
    ) {
      try Image(contentsOf: url, pixelLimit: 50_000_000)
    }

    let before = peakResidentBytes()
    let image = try Image(contentsOf: url, maxSide: 500)
    let growth = peakResidentBytes() - before
    #expect(image.width == 500 && image.height == 400)
    #expect(image.pixels.allSatisfy { $0 < 0.05 })
    // Decoding all 80 megapixels would take 240 MB as bytes (960 MB as floats); the
    // shrink-on-load path (JPEG DCT scaling) stays far below that.
    #expect(growth < 120_000_000, "peak resident size grew by \(growth) bytes")
  }

  @Test func maxSideNeverEnlarges() throws {
    let image = try Image(contentsOf: Fixtures.url("dataset/images/chelsea.png"), maxSide: 2000)
    #expect(image.width == 451 && image.height == 300)
    let small = try Image(contentsOf: Fixtures.url("dataset/images/chelsea.png"), maxSide: 100)
    #expect(small.width == 100 && small.height == 67)
  }

  // MARK: Resources

  @Test func repeatedLoadsLeakNeitherObjectsNorFiles() throws {
    let url = Fixtures.url("dataset/images/chelsea.png")
    let data = try Data(contentsOf: url)
    let iterations = 200
    func loadAll() throws {
      _ = try Image(contentsOf: url, maxSide: 32)
      _ = try Image(data: data, name: "chelsea.png", maxSide: 32)
      _ = try ImageInfo.read(contentsOf: url)
      _ = try Image(width: 2, height: 2, channels: 3, repeating: 0.5).encoded(as: .png)
    }
    try loadAll()
    let objects = liveVipsObjectCount()
    let files = openFileCount()
    for _ in 0..<iterations { try loadAll() }
    // Every image and source is released: the live libvips objects are those the small
    // operation cache keeps, not a few per load. (Other suites run in parallel, hence slack.)
    let grown = liveVipsObjectCount() - objects
    #expect(grown < iterations / 2, "\(grown) more live libvips objects after \(iterations) loads")
    #expect(openFileCount() <= files + 20)
  }
}

/// Number of live `VipsObject`s (images, sources, operations) in the process.
func liveVipsObjectCount() -> Int {
  var count = 0
  _ = withUnsafeMutablePointer(to: &count) { counter in
    vips_object_map(
      { _, counter, _ in
        counter?.assumingMemoryBound(to: Int.self).pointee += 1
        return nil
      }, counter, nil)
  }
  return count
}

/// Peak resident set size of this process, in bytes (Linux `ru_maxrss` is in KiB).
func peakResidentBytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss * 1024
}

/// Open file descriptors of this process.
func openFileCount() -> Int {
  (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
}
