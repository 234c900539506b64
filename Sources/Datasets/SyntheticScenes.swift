import Boxes
import Foundation
import Imaging

/// A seeded generator of multi-object detection scenes: several filled shapes of several
/// classes, sizes, colours and aspect ratios on a noisy, textured background, partly occluding
/// each other, with the tight box of each object's visible pixels.
///
/// Each image gets the background of ``SyntheticShapes`` (base colour, linear gradient, smooth
/// stripes, per-pixel noise) and `minObjects...maxObjects` objects drawn back to front. An
/// object's class is a ``SyntheticShapes/Shape`` stretched to an aspect ratio (width / height)
/// in `aspectRange` — so "circle" covers ellipses and "square" rectangles — its size (the
/// geometric mean of width and height) is a fraction `sizeRange` of the shorter image side, and
/// its colour differs from the background by at least 0.35 and from the other objects by at
/// least 0.2 in mean absolute RGB. A placement is retried (up to 30 times, then the object is
/// left out) when it would hide more than `maxOcclusion` of an earlier object's pixels, so
/// every annotated object stays clearly visible. Boxes are the extents of each object's visible
/// pixels, in pixel-edge coordinates.
///
///     let scenes = try SyntheticScenes(width: 128, height: 128, maxObjects: 4)
///     let train = try scenes.writeCOCO(count: 400, seed: 1, to: URL(fileURLWithPath: "shapes-train"))
///     let test = try scenes.writeCOCO(count: 100, seed: 2, to: URL(fileURLWithPath: "shapes-test"))
///
/// Same parameters and `seed` give bit-identical images and annotations on every run.
public struct SyntheticScenes: Sendable, Hashable {
  /// One object of a scene.
  public struct Object: Sendable, Hashable {
    /// The object's class.
    public var shape: SyntheticShapes.Shape
    /// The tight box of its visible pixels.
    public var box: Box
  }

  /// One generated scene.
  public struct Sample: Sendable, Equatable {
    /// The RGB picture, values in `[0, 1]`.
    public var image: Image
    /// The visible objects, back to front.
    public var objects: [Object]
  }

  /// Image width in pixels. Default: `128`.
  public var width: Int
  /// Image height in pixels. Default: `128`.
  public var height: Int
  /// The classes; the category of a shape is its index here (COCO id = index + 1).
  /// Default: every ``SyntheticShapes/Shape``.
  public var shapes: [SyntheticShapes.Shape]
  /// The fewest objects placed per image. Default: `1`.
  public var minObjects: Int
  /// The most objects placed per image. Default: `4`.
  public var maxObjects: Int
  /// Object size (square root of width x height of its box) as a fraction of the shorter image
  /// side. Default: `0.15...0.45`.
  public var sizeRange: ClosedRange<Float>
  /// Object aspect ratio, width / height. Default: `0.6...1.6`.
  public var aspectRange: ClosedRange<Float>
  /// The largest share of an object's pixels that later objects may hide. Default: `0.4`.
  public var maxOcclusion: Float

  /// Creates a generator.
  ///
  /// - Parameters:
  ///   - width: Image width in pixels, at least 16. Default: `128`.
  ///   - height: Image height in pixels, at least 16. Default: `128`.
  ///   - shapes: The classes, non-empty and without repeats. Default: all of
  ///     ``SyntheticShapes/Shape``.
  ///   - minObjects: The fewest objects per image, at least 1. Default: `1`.
  ///   - maxObjects: The most objects per image, at least `minObjects`. Default: `4`.
  ///   - sizeRange: Object size as a fraction of the shorter side, within `(0, 1]`.
  ///     Default: `0.15...0.45`.
  ///   - aspectRange: Width / height of objects, positive. Default: `0.6...1.6`.
  ///   - maxOcclusion: Largest hidden share of an object, in `[0, 1)`. Default: `0.4`.
  /// - Throws: ``DatasetsError/invalidArgument(name:value:allowed:)`` naming the first
  ///   parameter out of the ranges above.
  public init(
    width: Int = 128, height: Int = 128,
    shapes: [SyntheticShapes.Shape] = SyntheticShapes.Shape.allCases,
    minObjects: Int = 1, maxObjects: Int = 4, sizeRange: ClosedRange<Float> = 0.15...0.45,
    aspectRange: ClosedRange<Float> = 0.6...1.6, maxOcclusion: Float = 0.4
  ) throws(DatasetsError) {
    try SyntheticShapes.checkSize(width: width, height: height)
    try SyntheticShapes.checkShapes(shapes)
    guard minObjects >= 1 && minObjects <= 1000 else {
      throw .invalidArgument(name: "minObjects", value: "\(minObjects)", allowed: "1...1000")
    }
    guard maxObjects >= minObjects && maxObjects <= 1000 else {
      throw .invalidArgument(
        name: "maxObjects", value: "\(maxObjects)", allowed: "minObjects (\(minObjects))...1000")
    }
    guard sizeRange.lowerBound > 0 && sizeRange.upperBound <= 1 else {
      throw .invalidArgument(name: "sizeRange", value: "\(sizeRange)", allowed: "within (0, 1]")
    }
    guard aspectRange.lowerBound > 0 && aspectRange.upperBound.isFinite else {
      throw .invalidArgument(
        name: "aspectRange", value: "\(aspectRange)", allowed: "positive and finite")
    }
    guard maxOcclusion >= 0 && maxOcclusion < 1 else {
      throw .invalidArgument(name: "maxOcclusion", value: "\(maxOcclusion)", allowed: "[0, 1)")
    }
    self.width = width
    self.height = height
    self.shapes = shapes
    self.minObjects = minObjects
    self.maxObjects = maxObjects
    self.sizeRange = sizeRange
    self.aspectRange = aspectRange
    self.maxOcclusion = maxOcclusion
  }

  /// Draws scene number `index` of the sequence seeded by `seed`.
  ///
  /// Scenes are independent: scene `i` depends only on `(seed, i)`.
  ///
  /// - Parameters:
  ///   - index: The scene's position, 0 or more.
  ///   - seed: The sequence's seed.
  /// - Returns: The image and its visible objects.
  /// - Complexity: O(`maxObjects² · width · height`) in the worst case.
  public func sample(_ index: Int, seed: UInt64) -> Sample {
    var random = SplitMix64(seed: seed &+ 0x5851_F42D_4C95_7F2D &* UInt64(index + 1))
    let backgroundColor = (0..<3).map { _ in random.nextUnitFloat() }
    let background = TexturedBackground(color: backgroundColor, random: &random)
    let count = minObjects + Int(random.next() % UInt64(maxObjects - minObjects + 1))
    // owner[p] = index into `placed` of the object on top at pixel p, or -1.
    var owner = [Int](repeating: -1, count: width * height)
    var placed: [(shape: SyntheticShapes.Shape, color: [Float], pixels: Int)] = []
    let shortSide = Float(min(width, height))
    for _ in 0..<count {
      let shape = shapes[Int(random.next() % UInt64(shapes.count))]
      let objectColor = TexturedBackground.randomColor(random: &random, attempts: 100) { color in
        TexturedBackground.contrast(color, backgroundColor) >= 0.35
          && placed.allSatisfy { TexturedBackground.contrast(color, $0.color) >= 0.2 }
      }
      for _ in 0..<30 {
        let size =
          (sizeRange.lowerBound + random.nextUnitFloat()
            * (sizeRange.upperBound - sizeRange.lowerBound)) * shortSide
        let aspect =
          aspectRange.lowerBound + random.nextUnitFloat()
          * (aspectRange.upperBound - aspectRange.lowerBound)
        let boxWidth = min((size * aspect.squareRoot()).rounded(), Float(width))
        let boxHeight = min((size / aspect.squareRoot()).rounded(), Float(height))
        let left = (random.nextUnitFloat() * (Float(width) - boxWidth)).rounded(.down)
        let top = (random.nextUnitFloat() * (Float(height) - boxHeight)).rounded(.down)
        let box = Box(x1: left, y1: top, x2: left + boxWidth, y2: top + boxHeight)
        var covered: [Int] = []
        for y in Int(top)..<Int(top + boxHeight) {
          for x in Int(left)..<Int(left + boxWidth)
          where Self.covers(shape, box: box, x: Float(x) + 0.5, y: Float(y) + 0.5) {
            covered.append(y * width + x)
          }
        }
        guard !covered.isEmpty else { continue }
        var hidden = [Int](repeating: 0, count: placed.count)
        var visible = [Int](repeating: 0, count: placed.count)
        for pixel in owner where pixel >= 0 { visible[pixel] += 1 }
        for pixel in covered where owner[pixel] >= 0 { hidden[owner[pixel]] += 1 }
        let acceptable = placed.indices.allSatisfy {
          Float(visible[$0] - hidden[$0]) >= (1 - maxOcclusion) * Float(placed[$0].pixels)
        }
        guard acceptable else { continue }
        for pixel in covered { owner[pixel] = placed.count }
        placed.append((shape, objectColor, covered.count))
        break
      }
    }
    var image = Image(width: width, height: height, channels: 3)
    var extents = [(minX: Int, minY: Int, maxX: Int, maxY: Int)](
      repeating: (Int.max, Int.max, Int.min, Int.min), count: placed.count)
    for y in 0..<height {
      for x in 0..<width {
        let top = owner[y * width + x]
        let shade = top >= 0 ? 0 : background.shade(x: x, y: y, width: width, height: height)
        for channel in 0..<3 {
          let base = top >= 0 ? placed[top].color[channel] : backgroundColor[channel] + shade
          image[x: x, y: y, channel: channel] = background.noisy(base, random: &random)
        }
        if top >= 0 {
          let e = extents[top]
          extents[top] = (min(e.minX, x), min(e.minY, y), max(e.maxX, x), max(e.maxY, y))
        }
      }
    }
    let objects = zip(placed, extents).map { object, e in
      Object(
        shape: object.shape,
        box: Box(x1: Float(e.minX), y1: Float(e.minY), x2: Float(e.maxX + 1), y2: Float(e.maxY + 1))
      )
    }
    return Sample(image: image, objects: objects)
  }

  /// Whether the pixel centre `(x, y)` lies inside `shape` stretched to fill `box`: an
  /// ellipse, a rectangle or an upward triangle.
  static func covers(_ shape: SyntheticShapes.Shape, box: Box, x: Float, y: Float) -> Bool {
    guard shape == .circle else { return SyntheticShapes.covers(shape, box: box, x: x, y: y) }
    guard x >= box.x1 && x < box.x2 && y >= box.y1 && y < box.y2 else { return false }
    let u = (x - box.center.x) / (box.width / 2), v = (y - box.center.y) / (box.height / 2)
    return u * u + v * v <= 1
  }

  /// Writes `count` scenes as a COCO dataset: `directory/images/NNNNNN.png` and
  /// `directory/annotations.json` (categories named after the shapes, ids from 1; one
  /// annotation per visible object).
  ///
  /// - Parameters:
  ///   - count: Number of images, at least 1.
  ///   - seed: The sequence's seed; use different seeds for training and test sets.
  ///   - directory: The dataset folder, created when missing; existing files are overwritten.
  /// - Returns: The dataset as ``Dataset/load(from:split:)`` reads it back.
  /// - Throws: ``DatasetsError/invalidArgument(name:value:allowed:)`` when `count` is below 1,
  ///   ``DatasetsError/unreadableFile(_:reason:)`` when a file cannot be written.
  /// - Complexity: O(`count · maxObjects² · width · height`).
  public func writeCOCO(count: Int, seed: UInt64, to directory: URL) throws -> Dataset {
    try SyntheticShapes.checkCount(count)
    return try SyntheticCOCOWriter(classNames: shapes.map(\.rawValue), width: width, height: height)
      .write(count: count, to: directory) { index in
        let scene = sample(index, seed: seed)
        return (
          scene.image,
          scene.objects.map { (shapes.firstIndex(of: $0.shape) ?? 0, $0.box) }
        )
      }
  }
}
