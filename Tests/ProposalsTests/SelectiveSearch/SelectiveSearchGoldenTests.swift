import Boxes
import Foundation
import Imaging
import ProposalRuns
import Proposals
import RegionKitTestSupport
import Testing

/// The `opencv-` presets against OpenCV ximgproc's selective search.
///
/// `Fixtures/goldens/selective_search_opencv.json` (`Tools/goldens/selective_search_reference.py
/// reference`, OpenCV 5.1, one thread): 44 crops and resizes of the four photos in
/// `Fixtures/dataset/images`, rebuilt here from their recipes (checked by the FNV-1a 64 of
/// their bytes), with OpenCV's boxes for the single, fast and quality strategies. OpenCV's
/// order comes from unseeded `rand()`, so the boxes are compared as sets: per image the
/// fraction of OpenCV's boxes that some proposal matches at IoU ≥ 0.7 and ≥ 0.9, and the
/// count. Required (issue 26's targets): every image's count within 10 % of OpenCV's and at
/// least 0.90 of its boxes matched at IoU 0.7; the means at least 0.95 at IoU 0.7 and 0.85
/// at IoU 0.9. Measured: every box set identical to OpenCV's (44 of 44 images, all three
/// presets).
///
/// `Fixtures/goldens/selective_search.json` (OpenCV 5.0, single strategy, four small images
/// from `segmentation.json` and a 128x96 crop): measured identical as well.
@Suite struct SelectiveSearchGoldenTests {
  /// One image of the reference: its name, pixels and OpenCV's boxes per preset.
  struct ReferenceImage {
    var name: String
    var image: Image
    var boxes: [SelectiveSearch.Mode: [Box]]
  }

  /// FNV-1a 64 of bytes, as the reference's generator computes it.
  static func fnv1a64(_ bytes: [UInt8]) -> String {
    var hash = FNV1a64()
    hash.combine(bytes: bytes)
    return String(format: "%016llx", hash.value)
  }

  /// The crop of `recipe` from the RGB bytes of a photo (`width` pixels a row): the
  /// rectangle, then a nearest-neighbour resize (output pixel (i, j) reads crop row
  /// (2i + 1) h / (2 H) and column (2j + 1) w / (2 W)) or a 2x2 box shrink
  /// ((a + b + c + d + 2) / 4), as the reference's generator makes it.
  static func crop(_ photo: [UInt8], width: Int, recipe: [String: Any]) throws -> (
    bytes: [UInt8], width: Int, height: Int
  ) {
    let rect = try #require(recipe["rect"] as? [Int])
    let (x, y, w, h) = (rect[0], rect[1], rect[2], rect[3])
    /// Channel `channel` of crop pixel (row, column).
    func byte(_ row: Int, _ column: Int, _ channel: Int) -> Int {
      Int(photo[((y + row) * width + x + column) * 3 + channel])
    }
    var outW = w, outH = h
    var value: (Int, Int, Int) -> Int = byte
    if let resize = recipe["resize"] as? [String: Any] {
      switch resize["method"] as? String {
      case "nearest":
        let size = try #require(resize["size"] as? [Int])
        (outW, outH) = (size[0], size[1])
        let (targetW, targetH) = (outW, outH)
        value = { byte((2 * $0 + 1) * h / (2 * targetH), (2 * $1 + 1) * w / (2 * targetW), $2) }
      case "box2":
        (outW, outH) = (w / 2, h / 2)
        value = { i, j, c in
          (byte(2 * i, 2 * j, c) + byte(2 * i, 2 * j + 1, c) + byte(2 * i + 1, 2 * j, c)
            + byte(2 * i + 1, 2 * j + 1, c) + 2) / 4
        }
      default:
        throw GoldenError.malformed("selective_search_opencv.json", "unknown resize \(resize)")
      }
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(outW * outH * 3)
    for i in 0..<outH {
      for j in 0..<outW {
        for channel in 0..<3 { bytes.append(UInt8(value(i, j, channel))) }
      }
    }
    return (bytes, outW, outH)
  }

  /// The reference's images, rebuilt from the fixture photos.
  static func reference() throws -> [ReferenceImage] {
    let file = try GoldenFile("selective_search_opencv.json")
    var photos: [String: (bytes: [UInt8], width: Int)] = [:]
    var images: [ReferenceImage] = []
    for entry in try #require(file.root["images"] as? [[String: Any]]) {
      let name = try #require(entry["name"] as? String)
      let source = try #require(entry["source"] as? String)
      if photos[source] == nil {
        let photo = try Image(contentsOf: Fixtures.url("dataset/images/\(source)"))
        photos[source] = (photo.pixels.map { UInt8(($0 * 255).rounded()) }, photo.width)
      }
      let photo = try #require(photos[source])
      let (bytes, w, h) = try crop(photo.bytes, width: photo.width, recipe: entry)
      #expect(
        w == entry["width"] as? Int && h == entry["height"] as? Int,
        "\(name): rebuilt \(w)x\(h), reference \(entry["width"] ?? "?")x\(entry["height"] ?? "?")")
      #expect(
        fnv1a64(bytes) == entry["fnv1a64"] as? String,
        "\(name): the rebuilt crop's bytes differ from the reference's")
      let boxes = try #require(entry["boxes"] as? [String: [[Int]]])
      var byMode: [SelectiveSearch.Mode: [Box]] = [:]
      for (key, mode) in [
        ("single", SelectiveSearch.Mode.openCVSingle), ("fast", .openCVFast),
        ("quality", .openCVQuality),
      ] {
        byMode[mode] = try #require(boxes[key]).map {
          Box(x1: Float($0[0]), y1: Float($0[1]), x2: Float($0[2]), y2: Float($0[3]))
        }
      }
      images.append(
        ReferenceImage(
          name: name,
          image: Image(width: w, height: h, channels: 3, pixels: bytes.map { Float($0) / 255 }),
          boxes: byMode))
    }
    return images
  }

  /// Fraction of `reference` boxes matched by some box of `boxes` at IoU >= `threshold`.
  static func recall(of reference: [Box], by boxes: [Box], threshold: Float) -> Double {
    let matched = reference.filter { truth in boxes.contains { $0.iou(truth) >= threshold } }
    return Double(matched.count) / Double(max(reference.count, 1))
  }

  @Test(arguments: [SelectiveSearch.Mode.openCVSingle, .openCVFast, .openCVQuality])
  func opencvPresetsReproduceOpenCVOnTheReference(mode: SelectiveSearch.Mode) throws {
    let images = try Self.reference()
    #expect(images.count >= 40, "the reference has \(images.count) images, at least 40 expected")
    var recalls07: [Double] = []
    var recalls09: [Double] = []
    var identical = 0
    for entry in images {
      let reference = try #require(entry.boxes[mode])
      let boxes = try SelectiveSearch(mode: mode, threads: 2).proposals(for: entry.image).map(\.box)
      let r07 = Self.recall(of: reference, by: boxes, threshold: 0.7)
      let r09 = Self.recall(of: reference, by: boxes, threshold: 0.9)
      recalls07.append(r07)
      recalls09.append(r09)
      if Set(boxes) == Set(reference) && boxes.count == reference.count { identical += 1 }
      #expect(
        Double(abs(boxes.count - reference.count)) <= 0.1 * Double(reference.count),
        "\(mode) \(entry.name): \(boxes.count) proposals, OpenCV \(reference.count) (within 10 %)")
      #expect(
        r07 >= 0.9,
        "\(mode) \(entry.name): \(r07) of OpenCV's boxes matched at IoU 0.7 (floor 0.90)")
    }
    let mean07 = recalls07.reduce(0, +) / Double(recalls07.count)
    let mean09 = recalls09.reduce(0, +) / Double(recalls09.count)
    print(
      "selective_search_opencv.json \(mode): \(identical) of \(images.count) box sets identical; mean recall \(mean07) at IoU 0.7, \(mean09) at 0.9"
    )
    #expect(
      mean07 >= 0.95, "\(mode): mean recall of OpenCV's boxes at IoU 0.7 is \(mean07), floor 0.95")
    #expect(
      mean09 >= 0.85, "\(mode): mean recall of OpenCV's boxes at IoU 0.9 is \(mean09), floor 0.85")
  }

  @Test func opencvPresetsGiveTheSameProposalsOnOneAndTwoThreads() throws {
    for entry in try Self.reference().prefix(3) {
      for mode in [SelectiveSearch.Mode.openCVFast, .openCVQuality] {
        let one = try SelectiveSearch(mode: mode, seed: 3, threads: 1).proposals(for: entry.image)
        let two = try SelectiveSearch(mode: mode, seed: 3, threads: 2).proposals(for: entry.image)
        #expect(one.map(\.box) == two.map(\.box) && one.map(\.score) == two.map(\.score))
      }
    }
  }

  @Test func strategiesThatFollowOpenCVMixWithThePapersInStrategyOrder() throws {
    let entry = try #require(try Self.reference().first)
    let paper = SelectiveSearch.Mode.single.strategies
    let openCV = SelectiveSearch.Mode.openCVSingle.strategies
    let mixed = try SelectiveSearch(strategies: openCV + paper, threads: 2)
      .proposals(for: entry.image)
    let alone = try SelectiveSearch(strategies: openCV, threads: 1).proposals(for: entry.image)
    let paperAlone = try SelectiveSearch(strategies: paper, threads: 1).proposals(for: entry.image)
    #expect(Set(mixed.map(\.box)) == Set(alone.map(\.box)).union(paperAlone.map(\.box)))
    #expect(Set(alone.map(\.box)) == Set(try #require(entry.boxes[.openCVSingle])))
    // Provenance tells the two apart: OpenCV's strategy on HSV k 200, the paper's on k 100.
    #expect(Set(mixed.compactMap(\.provenance.k)) == [200, 100])
  }

  /// Images by name: three from `segmentation.json`, the 128x96 crop from
  /// `selective_search.json`.
  static func olderGoldenImages() throws -> [String: Image] {
    var images: [String: Image] = [:]
    func image(_ record: GoldenCase) throws -> Image {
      let tensor = try record.tensor("pixels_rgb")
      return Image(
        width: tensor.shape[1], height: tensor.shape[0], channels: 3,
        pixels: tensor.doubles.map { Float($0 / 255) })
    }
    let segmentation = try GoldenFile("segmentation.json")
    for record in (segmentation.root["images"] as? [[String: Any]]) ?? [] {
      let golden = GoldenCase(object: record, file: segmentation.name)
      images[golden.name] = try image(golden)
    }
    let file = try GoldenFile("selective_search.json")
    let large = GoldenCase(
      object: try #require(file.root["large_image"] as? [String: Any]), file: file.name)
    images[large.name] = try image(large)
    return images
  }

  /// `selective_search.json` (OpenCV 5.0): the single strategy's box sets, identical.
  @Test func opencvSingleStrategyMatchesTheOpenCV50Golden() throws {
    let file = try GoldenFile("selective_search.json")
    let images = try Self.olderGoldenImages()
    for testCase in file.cases {
      let name = try #require(testCase.object["image"] as? String)
      let image = try #require(images[name], "image \(name) missing")
      let rects = try testCase.tensor("expected", "rects_xywh_sorted").rows
      let reference = rects.map {
        Box(x1: Float($0[0]), y1: Float($0[1]), x2: Float($0[0] + $0[2]), y2: Float($0[1] + $0[3]))
      }
      let boxes = try SelectiveSearch(mode: .openCVSingle, threads: 1).proposals(for: image).map(
        \.box)
      #expect(
        Set(boxes) == Set(reference) && boxes.count == reference.count,
        "\(name): \(boxes.count) proposals, OpenCV \(reference.count); recall at IoU 0.9 \(Self.recall(of: reference, by: boxes, threshold: 0.9))"
      )
    }
  }
}
