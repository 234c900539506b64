import Boxes
import Foundation
import Imaging

/// A seeded generator of single-object images: one filled shape on a noisy, textured
/// background, with its exact box, written as a COCO dataset.
///
/// Each image gets a random background colour with a random linear gradient, smooth stripes and
/// per-pixel noise; then one shape (a circle, a square or an upward triangle) of a random
/// colour that differs from the background by at least 0.35 in mean RGB. The shape's side (or
/// diameter) is 20–70 % of the shorter image side and it lies entirely inside the image, so
/// its box is the tight box of its pixels (edges in continuous pixel-edge coordinates).
///
///     let shapes = try SyntheticShapes(width: 96, height: 96)
///     let dataset = try shapes.writeCOCO(count: 200, seed: 7, to: URL(fileURLWithPath: "synth"))
///
/// Same `seed`, size and classes give bit-identical images and annotations on every run.
public struct SyntheticShapes: Sendable, Hashable {
  /// A shape the generator can draw.
  public enum Shape: String, Sendable, Hashable, CaseIterable, Codable {
    /// A filled disc.
    case circle
    /// A filled axis-aligned square.
    case square
    /// A filled isosceles triangle pointing up (base at the bottom of its box).
    case triangle
  }

  /// One generated image with its object.
  public struct Sample: Sendable, Equatable {
    /// The RGB picture, values in `[0, 1]`.
    public var image: Image
    /// The drawn shape.
    public var shape: Shape
    /// The tight box of the shape, in pixels.
    public var box: Box
  }

  /// Image width in pixels. Default: `96`.
  public var width: Int
  /// Image height in pixels. Default: `96`.
  public var height: Int
  /// The shapes to draw; the category of a shape is its index here (COCO id = index + 1).
  /// Default: every ``Shape`` in declaration order.
  public var shapes: [Shape]

  /// Creates a generator.
  ///
  /// - Parameters:
  ///   - width: Image width in pixels, at least 16. Default: `96`.
  ///   - height: Image height in pixels, at least 16. Default: `96`.
  ///   - shapes: The classes, non-empty and without repeats. Default: all of ``Shape``.
  /// - Throws: ``DatasetsError/invalidArgument(name:value:allowed:)`` when a size is below 16
  ///   (or above 65536) or `shapes` is empty or repeats a shape.
  public init(width: Int = 96, height: Int = 96, shapes: [Shape] = Shape.allCases)
    throws(DatasetsError)
  {
    try Self.checkSize(width: width, height: height)
    try Self.checkShapes(shapes)
    self.width = width
    self.height = height
    self.shapes = shapes
  }

  /// Draws sample number `index` of the sequence seeded by `seed`.
  ///
  /// Samples are independent: sample `i` depends only on `(seed, i)`.
  ///
  /// - Parameters:
  ///   - index: The sample's position, 0 or more.
  ///   - seed: The sequence's seed.
  /// - Returns: The image, its shape and the shape's box.
  /// - Complexity: O(`width * height`).
  public func sample(_ index: Int, seed: UInt64) -> Sample {
    var random = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    let shape = shapes[Int(random.next() % UInt64(shapes.count))]
    let backgroundColor = (0..<3).map { _ in random.nextUnitFloat() }
    let foreground = TexturedBackground.randomColor(random: &random) {
      TexturedBackground.contrast($0, backgroundColor) >= 0.35
    }
    let background = TexturedBackground(color: backgroundColor, random: &random)
    let shortSide = Float(min(width, height))
    let side = ((0.2 + random.nextUnitFloat() * 0.5) * shortSide).rounded()
    let left = (random.nextUnitFloat() * (Float(width) - side)).rounded(.down)
    let top = (random.nextUnitFloat() * (Float(height) - side)).rounded(.down)
    let box = Box(x1: left, y1: top, x2: left + side, y2: top + side)
    var image = Image(width: width, height: height, channels: 3)
    for y in 0..<height {
      for x in 0..<width {
        let inside = Self.covers(shape, box: box, x: Float(x) + 0.5, y: Float(y) + 0.5)
        let shade = background.shade(x: x, y: y, width: width, height: height)
        for channel in 0..<3 {
          let base = inside ? foreground[channel] : backgroundColor[channel] + shade
          image[x: x, y: y, channel: channel] = background.noisy(base, random: &random)
        }
      }
    }
    return Sample(image: image, shape: shape, box: box)
  }

  /// Whether the pixel centre `(x, y)` lies inside `shape` drawn in `box`.
  static func covers(_ shape: Shape, box: Box, x: Float, y: Float) -> Bool {
    guard x >= box.x1 && x < box.x2 && y >= box.y1 && y < box.y2 else { return false }
    switch shape {
    case .square:
      return true
    case .circle:
      let (cx, cy) = box.center
      let radius = box.width / 2
      return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius
    case .triangle:
      // Apex at the top centre, base along the bottom edge.
      let depth = (y - box.y1) / box.height
      let halfWidth = depth * box.width / 2
      return abs(x - box.center.x) <= halfWidth
    }
  }

  /// Writes `count` samples as a COCO dataset: `directory/images/NNNNNN.png` and
  /// `directory/annotations.json` (categories named after the shapes, ids from 1).
  ///
  /// The triangle's pixels fill its box only at the base and the circle's only at the middle
  /// rows; both boxes are still the exact extents, so `bbox` is tight up to one pixel.
  ///
  /// - Parameters:
  ///   - count: Number of images, at least 1.
  ///   - seed: The sequence's seed.
  ///   - directory: The dataset folder, created when missing; existing files are overwritten.
  /// - Returns: The dataset as ``Dataset/load(from:split:)`` reads it back.
  /// - Throws: ``DatasetsError/invalidArgument(name:value:allowed:)`` when `count` is below 1,
  ///   ``DatasetsError/unreadableFile(_:reason:)`` when a file cannot be written.
  /// - Complexity: O(`count * width * height`).
  public func writeCOCO(count: Int, seed: UInt64, to directory: URL) throws -> Dataset {
    try Self.checkCount(count)
    return try SyntheticCOCOWriter(classNames: shapes.map(\.rawValue), width: width, height: height)
      .write(count: count, to: directory) { index in
        let sample = sample(index, seed: seed)
        return (sample.image, [(shapes.firstIndex(of: sample.shape) ?? 0, sample.box)])
      }
  }

  /// Refuses image sizes below 16 or above 65536 pixels.
  static func checkSize(width: Int, height: Int) throws(DatasetsError) {
    for (name, value) in [("width", width), ("height", height)] where !(16...65536).contains(value)
    {
      throw .invalidArgument(name: name, value: "\(value)", allowed: "16...65536")
    }
  }

  /// Refuses an empty list of shapes or one that repeats a shape.
  static func checkShapes(_ shapes: [Shape]) throws(DatasetsError) {
    guard !shapes.isEmpty && Set(shapes).count == shapes.count else {
      throw .invalidArgument(
        name: "shapes", value: "\(shapes.map(\.rawValue))",
        allowed: "a non-empty list without repeats")
    }
  }

  /// Refuses a dataset of fewer than one image.
  static func checkCount(_ count: Int) throws(DatasetsError) {
    guard count >= 1 else {
      throw .invalidArgument(name: "count", value: "\(count)", allowed: "1 or more")
    }
  }
}
