import Imaging

/// Over-segments an image by merging pixels along a minimum spanning tree
/// (Felzenszwalb & Huttenlocher 2004).
///
/// Pixels are nodes and 8-neighbours are joined by edges weighted by the Euclidean colour
/// distance after a Gaussian pre-blur. Edges are visited by increasing weight and join two
/// regions when the edge is no heavier than either region's internal difference (its
/// heaviest merged edge) plus `threshold / size`; a final pass merges regions smaller than
/// `minimumSize` along the same edge order.
///
///     let result = try FelzenszwalbSegmentation(threshold: 300, sigma: 0.8).segment(image)
///     print(result.labels.count, result.regions[0].bounds)
///
/// Differences from the paper: ties between equal edge weights break by edge id (pixel
/// index, then direction), which makes the result deterministic; weights are computed on
/// the colour space's channels scaled to `[0, 1]` and the threshold is divided by 255
/// (scikit-image's convention for `[0, 1]` images). Checked against
/// `Fixtures/goldens/segmentation.json` (scikit-image 0.26 `felzenszwalb` with
/// `scale` = `threshold`: segment counts within max(2, 30 %), adjusted Rand index ≥ 0.9).
///
/// Reference: P. F. Felzenszwalb, D. P. Huttenlocher, "Efficient Graph-Based Image
/// Segmentation", IJCV 59(2), 2004. <https://doi.org/10.1023/B:VISI.0000022288.19776.77>
public struct FelzenszwalbSegmentation: Sendable, Equatable {
  /// The paper's *k*, in 0–255 colour units (scikit-image's `scale`); larger gives fewer,
  /// larger regions.
  public var threshold: Float
  /// Standard deviation of the Gaussian pre-blur, in pixels; `0` skips it.
  public var sigma: Float
  /// Regions with fewer pixels are merged into a neighbour in the final pass.
  public var minimumSize: Int
  /// The colour space whose channels (scaled to `[0, 1]`) give the edge weights.
  public var colorSpace: ColorSpace

  /// Creates a segmenter; parameters are checked by ``segment(_:)``.
  ///
  /// - Parameters:
  ///   - threshold: The paper's *k* in 0–255 colour units, finite and `>= 0`.
  ///     Default: `300` (the paper's examples).
  ///   - sigma: Pre-blur standard deviation in pixels, finite and `>= 0`.
  ///     Default: `0.8` (the paper and scikit-image).
  ///   - minimumSize: Smallest region size in pixels, `>= 0`. Default: `20` (scikit-image).
  ///   - colorSpace: Colour space of the distances; ignored for single-channel images.
  ///     Default: `.rgb` (the paper).
  public init(threshold: Float = 300, sigma: Float = 0.8, minimumSize: Int = 20, colorSpace: ColorSpace = .rgb) {
    self.threshold = threshold
    self.sigma = sigma
    self.minimumSize = minimumSize
    self.colorSpace = colorSpace
  }

  /// Segments an image.
  ///
  /// - Parameter image: RGB (values in `[0, 1]`) or single-channel (values in `[0, 1]`).
  /// - Returns: The label map (labels dense from 0 in raster order of first appearance)
  ///   and per-region size, bounds and 8-connected neighbours. Every region has at least
  ///   `minimumSize` pixels unless the image has fewer.
  /// - Throws: ``SegmentationError/invalidParameter(algorithm:field:value:expected:)`` for a
  ///   negative or non-finite parameter;
  ///   ``SegmentationError/unsupportedChannelCount(algorithm:channels:expected:)`` for
  ///   images with other than 1 or 3 channels.
  /// - Complexity: O(*n* α(*n*)) time for *n* pixels with the bucketed edge sort
  ///   (O(*n* log *n*) worst case), about 60 bytes of memory per pixel.
  public func segment(_ image: Image) throws(SegmentationError) -> SegmentationResult {
    try validate(image)
    let features = image.normalizedChannels(in: colorSpace).gaussianBlurred(sigma: sigma, border: .reflect)
    let graph = GridGraph(image: features)
    let pixelCount = image.width * image.height
    var sets = DisjointSet(count: pixelCount)
    let k = Double(threshold) / 255
    // threshold[root] = Int(C) + k / |C|, the paper's τ; singletons have Int = 0.
    var limit = [Float](repeating: Float(k), count: pixelCount)
    let offsets = graph.neighbourOffsets
    graph.sortedEdges.withUnsafeBufferPointer { edges in
      limit.withUnsafeMutableBufferPointer { limit in
        for packed in edges {
          let id = Int(packed & 0xFFFF_FFFF)
          let p = id >> 2
          let a = sets.root(of: p)
          let b = sets.root(of: p + offsets[id & 3])
          if a == b { continue }
          let weight = Float(bitPattern: UInt32(packed >> 32))
          if weight <= limit[a] && weight <= limit[b] {
            let joined = sets.union(a, b)
            limit[joined] = weight + Float(k / Double(sets.size(ofRoot: joined)))
          }
        }
        if minimumSize > 1 {
          for packed in edges {
            let id = Int(packed & 0xFFFF_FFFF)
            let p = id >> 2
            let a = sets.root(of: p)
            let b = sets.root(of: p + offsets[id & 3])
            if a != b && (sets.size(ofRoot: a) < minimumSize || sets.size(ofRoot: b) < minimumSize) {
              sets.union(a, b)
            }
          }
        }
      }
    }
    #if REGIONKIT_INTERNAL_CHECKS
      sets.checkInvariants()
    #endif
    return SegmentationResult(labels: sets.labelMap(width: image.width, height: image.height))
  }

  private func validate(_ image: Image) throws(SegmentationError) {
    let name = "FelzenszwalbSegmentation"
    guard threshold.isFinite && threshold >= 0 else {
      throw .invalidParameter(algorithm: name, field: "threshold", value: "\(threshold)", expected: "a finite value >= 0")
    }
    guard sigma.isFinite && sigma >= 0 else {
      throw .invalidParameter(algorithm: name, field: "sigma", value: "\(sigma)", expected: "a finite value >= 0")
    }
    guard minimumSize >= 0 else {
      throw .invalidParameter(algorithm: name, field: "minimumSize", value: "\(minimumSize)", expected: "a value >= 0")
    }
    guard image.channels == 1 || image.channels == 3 else {
      throw .unsupportedChannelCount(algorithm: name, channels: image.channels, expected: "1 or 3")
    }
  }
}

extension DisjointSet {
  /// The sets as a dense label map, numbered in raster order of first appearance.
  mutating func labelMap(width: Int, height: Int) -> LabelMap {
    let n = count
    var labelOfRoot = [Int32](repeating: -1, count: n)
    var labels = [Int32](repeating: 0, count: n)
    var next: Int32 = 0
    for p in 0..<n {
      let r = root(of: p)
      if labelOfRoot[r] < 0 {
        labelOfRoot[r] = next
        next += 1
      }
      labels[p] = labelOfRoot[r]
    }
    return LabelMap(uncheckedWidth: width, height: height, labels: labels, count: Int(next))
  }
}
