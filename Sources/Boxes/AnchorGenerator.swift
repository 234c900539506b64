/// Generates the reference boxes ("anchors") of a region proposal network: a fixed set of
/// boxes of several sizes and aspect ratios, repeated at every cell of a feature map.
///
/// The cell anchors are centred on the origin: for each aspect ratio `r` (height / width)
/// and size `s`, `h = sqrt(r) * s`, `w = s / sqrt(r)`, so the area stays `s * s`, and the
/// anchor is `[-w, -h, w, h] / 2` rounded to whole pixels (half to even). The image anchors
/// add the offset `(x * strideX, y * strideY)` of every feature cell `(y, x)`.
///
///     let generator = try AnchorGenerator(sizes: [32, 64, 128], aspectRatios: [0.5, 1, 2])
///     let anchors = try generator.anchors(
///       imageHeight: 96, imageWidth: 128, featureHeight: 6, featureWidth: 8)
///     anchors.count  // 6 * 8 * 9 = 432
///
/// Order and conventions follow torchvision's `AnchorGenerator` exactly:
/// - cell anchor `k = ratioIndex * sizes.count + sizeIndex` (ratio major, size minor);
/// - image anchor `(y * featureWidth + x) * cellAnchors.count + k`: feature row slowest,
///   then column, then cell anchor;
/// - no half-stride offset: each cell's anchors are centred on the cell's top-left corner;
/// - anchors are not clipped to the image.
///
/// One feature level per generator; for a feature pyramid, use one generator per level.
/// Checked against `Fixtures/goldens/anchors.json` (exact: the 9 cell anchors, their
/// unrounded values and all 432 anchors of a 96 x 128 image with a 6 x 8 feature map).
///
/// Reference: S. Ren, K. He, R. Girshick, J. Sun, "Faster R-CNN: Towards Real-Time Object
/// Detection with Region Proposal Networks", NeurIPS 2015, section 3.1.1.
/// <https://arxiv.org/abs/1506.01497>
public struct AnchorGenerator: Hashable, Sendable {
  /// Anchor sizes, in input-image pixels: the square root of each anchor's area.
  public let sizes: [Float]

  /// Aspect ratios, as height / width (torchvision's convention: `2` is a tall box).
  public let aspectRatios: [Float]

  /// The rounded cell anchors, centred on the origin, ratio major and size minor.
  public let cellAnchors: [Box]

  /// Creates an anchor generator.
  ///
  /// - Parameters:
  ///   - sizes: Anchor sizes in input-image pixels, each finite and positive.
  ///     Default: `[128, 256, 512]` (the paper's three scales, torchvision's default).
  ///   - aspectRatios: Height / width ratios, each finite and positive.
  ///     Default: `[0.5, 1, 2]`.
  /// - Throws: ``BoxesError/invalidParameter(type:field:value:expected:)`` naming `sizes` or
  ///   `aspectRatios` when the list is empty or holds a value that is not finite and positive.
  public init(sizes: [Float] = [128, 256, 512], aspectRatios: [Float] = [0.5, 1, 2])
    throws(BoxesError)
  {
    for (field, values) in [("sizes", sizes), ("aspectRatios", aspectRatios)]
    where values.isEmpty || !values.allSatisfy({ $0.isFinite && $0 > 0 }) {
      throw .invalidParameter(
        type: "AnchorGenerator", field: field, value: "\(values)",
        expected: "a non-empty list of finite, positive numbers")
    }
    self.sizes = sizes
    self.aspectRatios = aspectRatios
    self.cellAnchors = Self.cellAnchors(sizes: sizes, aspectRatios: aspectRatios, rounded: true)
  }

  /// The cell anchors before rounding, in the order of ``cellAnchors``.
  public var unroundedCellAnchors: [Box] {
    Self.cellAnchors(sizes: sizes, aspectRatios: aspectRatios, rounded: false)
  }

  /// The anchors of a whole image.
  ///
  /// The stride is the integer quotient of the image size by the feature-map size in each
  /// direction (`96 / 6 = 16`), as torchvision computes it.
  ///
  /// - Parameters:
  ///   - imageHeight: Height of the network's input image, in pixels.
  ///   - imageWidth: Width of the network's input image, in pixels.
  ///   - featureHeight: Rows of the feature map.
  ///   - featureWidth: Columns of the feature map.
  /// - Returns: `featureHeight * featureWidth * cellAnchors.count` boxes in input-image
  ///   pixels, ordered by feature row, column, then cell anchor.
  /// - Throws: ``BoxesError/invalidSize(field:value:)`` when a size is not positive, and
  ///   ``BoxesError/featureMapLargerThanImage(featureHeight:featureWidth:imageHeight:imageWidth:)``
  ///   when the feature map has more rows or columns than the image (the stride would be 0).
  /// - Complexity: O(*h* · *w* · *k*) for an *h* x *w* feature map and *k* cell anchors.
  public func anchors(
    imageHeight: Int, imageWidth: Int, featureHeight: Int, featureWidth: Int
  ) throws(BoxesError) -> [Box] {
    for (field, value) in [
      ("imageHeight", imageHeight), ("imageWidth", imageWidth),
      ("featureHeight", featureHeight), ("featureWidth", featureWidth),
    ] where value <= 0 {
      throw .invalidSize(field: field, value: value)
    }
    guard featureHeight <= imageHeight, featureWidth <= imageWidth else {
      throw .featureMapLargerThanImage(
        featureHeight: featureHeight, featureWidth: featureWidth,
        imageHeight: imageHeight, imageWidth: imageWidth)
    }
    let strideY = imageHeight / featureHeight
    let strideX = imageWidth / featureWidth
    var anchors: [Box] = []
    anchors.reserveCapacity(featureHeight * featureWidth * cellAnchors.count)
    for y in 0..<featureHeight {
      let shiftY = Float(y * strideY)
      for x in 0..<featureWidth {
        let shiftX = Float(x * strideX)
        for cell in cellAnchors {
          anchors.append(
            Box(
              x1: cell.x1 + shiftX, y1: cell.y1 + shiftY, x2: cell.x2 + shiftX, y2: cell.y2 + shiftY
            ))
        }
      }
    }
    return anchors
  }

  /// torchvision's `generate_anchors` in `Float`: `h = sqrt(r)`, `w = 1 / h`, then
  /// `[-w * s, -h * s, w * s, h * s] / 2`, optionally rounded half to even.
  private static func cellAnchors(sizes: [Float], aspectRatios: [Float], rounded: Bool) -> [Box] {
    var anchors: [Box] = []
    for ratio in aspectRatios {
      let heightRatio = ratio.squareRoot()
      let widthRatio = 1 / heightRatio
      for size in sizes {
        let width = widthRatio * size
        let height = heightRatio * size
        let corners = [-width / 2, -height / 2, width / 2, height / 2].map {
          rounded ? $0.rounded(.toNearestOrEven) : $0
        }
        anchors.append(Box(x1: corners[0], y1: corners[1], x2: corners[2], y2: corners[3]))
      }
    }
    return anchors
  }
}
