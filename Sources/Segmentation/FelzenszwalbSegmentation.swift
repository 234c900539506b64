import CPrefetch
import Imaging

/// Over-segments an image by merging pixels along a minimum spanning tree
/// (Felzenszwalb & Huttenlocher 2004).
///
/// Pixels are nodes and 8-neighbours (or 4-neighbours, see ``connectivity``) are joined by
/// edges weighted by the Euclidean colour distance after a Gaussian pre-blur. Edges are visited by increasing weight and join two
/// regions when the edge is no heavier than either region's internal difference (its
/// heaviest merged edge) plus `threshold / size`; a final pass merges regions smaller than
/// `minimumSize` along the same edge order.
///
///     let result = try FelzenszwalbSegmentation(threshold: 300, sigma: 0.8).segment(image)
///     print(result.labels.count, result.regions[0].bounds)
///
/// Differences from the paper: edges are ordered by a radix sort on a 16-bit key of the
/// weight (about 2.4e-4 relative resolution) with ties broken by edge id (pixel index,
/// then direction), which makes the result deterministic; weights are computed on the
/// colour space's channels scaled to `[0, 1]` and the threshold is divided by 255
/// (scikit-image's convention for `[0, 1]` images). Checked against
/// `Fixtures/goldens/segmentation.json` (scikit-image 0.26 `felzenszwalb` with
/// `scale` = `threshold`; required: segment counts within max(2, 30 %) and adjusted Rand
/// index ≥ 0.9; measured: identical partitions, ARI 1.0, in all nine runs).
///
/// Reference: P. F. Felzenszwalb, D. P. Huttenlocher, "Efficient Graph-Based Image
/// Segmentation", IJCV 59(2), 2004. <https://doi.org/10.1023/B:VISI.0000022288.19776.77>
public struct FelzenszwalbSegmentation: Sendable, Hashable {
  /// The paper's *k*, in 0–255 colour units (scikit-image's `scale`); larger gives fewer,
  /// larger regions.
  public var threshold: Float
  /// Standard deviation of the Gaussian pre-blur, in pixels; `0` skips it.
  public var sigma: Float
  /// Regions with fewer pixels are merged into a neighbour in the final pass.
  public var minimumSize: Int
  /// The colour space whose channels (scaled to `[0, 1]`) give the edge weights.
  public var colorSpace: ColorSpace
  /// Factors applied to the colour space's channels after scaling them to `[0, 1]`, one per
  /// channel of ``colorSpace``; `nil` weighs every channel 1. OpenCV's 8-bit HSV, for
  /// example, stores hue in 0–180 of 0–255: `[180 / 255, 1, 1]` gives its distances.
  /// Ignored for single-channel images.
  public var channelWeights: [Float]?
  /// The pixel graph: ``PixelConnectivity/eight`` (the paper's and scikit-image's) or
  /// ``PixelConnectivity/four`` (OpenCV's `createGraphSegmentation`, about half the edges).
  public var connectivity: PixelConnectivity
  /// Whether the scaled, weighted channels are rounded to multiples of 1/255 (256 levels in
  /// 0–255 units) before the blur, as when segmenting an 8-bit image: OpenCV's
  /// `createGraphSegmentation` runs on the 8-bit output of `cvtColor` (and Felzenszwalb's
  /// own code on 8-bit RGB). `false` keeps the converted values exact.
  public var quantizesToEightBits: Bool

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
  ///   - channelWeights: One finite factor `>= 0` per channel of `colorSpace`, or `nil`
  ///     for all 1. Default: `nil`.
  ///   - connectivity: Which neighbours share an edge. Default: `.eight` (the paper and
  ///     scikit-image); `.four` builds OpenCV's graph.
  ///   - quantizesToEightBits: Round the scaled channels to 256 levels before the blur, as
  ///     OpenCV's 8-bit input is. Default: `false`.
  public init(
    threshold: Float = 300, sigma: Float = 0.8, minimumSize: Int = 20,
    colorSpace: ColorSpace = .rgb,
    channelWeights: [Float]? = nil, connectivity: PixelConnectivity = .eight,
    quantizesToEightBits: Bool = false
  ) {
    self.threshold = threshold
    self.sigma = sigma
    self.minimumSize = minimumSize
    self.colorSpace = colorSpace
    self.channelWeights = channelWeights
    self.connectivity = connectivity
    self.quantizesToEightBits = quantizesToEightBits
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
  /// - Complexity: O(*n* α(*n*)) time for *n* pixels (the edge sort is a linear radix
  ///   sort); about 61 bytes of memory per pixel at the peak.
  public func segment(_ image: Image) throws(SegmentationError) -> SegmentationResult {
    try Self.segment(image, with: [self])[0]
  }

  /// Segments one image with several segmenters, building the blurred image and the sorted
  /// edge graph once for all segmenters that share ``sigma``, ``colorSpace``,
  /// ``channelWeights``, ``connectivity`` and ``quantizesToEightBits``: only the merge
  /// passes depend on ``threshold`` and ``minimumSize``. This is how selective search
  /// segments an image at several *k*.
  ///
  ///     let results = try FelzenszwalbSegmentation.segment(
  ///       image, with: [50, 100, 150].map { FelzenszwalbSegmentation(threshold: $0) })
  ///
  /// - Parameters:
  ///   - image: RGB (values in `[0, 1]`) or single-channel (values in `[0, 1]`).
  ///   - segmenters: The segmenters, in any order.
  /// - Returns: One result per segmenter, in order, each equal to `segmenter.segment(image)`.
  /// - Throws: What ``segment(_:)`` throws, for the first invalid segmenter.
  /// - Complexity: One graph build and sort per distinct (`sigma`, `colorSpace`,
  ///   `channelWeights`, `connectivity`, `quantizesToEightBits`), one O(*n* α(*n*)) merge
  ///   per segmenter; the graphs are built one after the other, so the peak memory is that
  ///   of one ``segment(_:)`` plus the returned label maps.
  public static func segment(
    _ image: Image, with segmenters: [FelzenszwalbSegmentation]
  ) throws(SegmentationError) -> [SegmentationResult] {
    for segmenter in segmenters { try segmenter.validate(image) }
    var results = [SegmentationResult?](repeating: nil, count: segmenters.count)
    for index in segmenters.indices where results[index] == nil {
      let sharing = segmenters.indices.filter {
        $0 >= index && segmenters[$0].sharesGraph(with: segmenters[index])
      }
      let graph = try FelzenszwalbGraph(image: image, parameters: segmenters[index], bands: 1)
      graph.pack(band: 0)
      let sorted = graph.sorted()
      for position in sharing { results[position] = sorted.segment(with: segmenters[position]) }
    }
    return results.map { $0! }
  }

  /// Whether `other` segments on the same graph: same ``sigma``, ``colorSpace``,
  /// ``channelWeights``, ``connectivity`` and ``quantizesToEightBits`` (only ``threshold``
  /// and ``minimumSize`` may differ).
  package func sharesGraph(with other: FelzenszwalbSegmentation) -> Bool {
    sigma == other.sigma && colorSpace == other.colorSpace
      && channelWeights == other.channelWeights && connectivity == other.connectivity
      && quantizesToEightBits == other.quantizesToEightBits
  }

  /// The merge pass and the minimum-size pass on a prepared graph.
  func segment(graph: GridGraph, width: Int, height: Int) -> SegmentationResult {
    let k = Double(threshold) / 255
    // During the merge pass a root's internal difference (`thresholds`) holds the whole merge
    // threshold Int(C) + τ(C), τ(C) = k / |C| (a singleton's is `Float(k)`), updated on each
    // union: the same Float sums the paper's test compares against, computed once per union
    // instead of twice per edge (bit-identical results, no division in the edge loop).
    var sets = DisjointSet(count: width * height, internalDifference: Float(k / 1))
    let o = graph.neighbourOffsets
    let offsets = (o[0], o[1], o[2], o[3])
    // Edges the merge pass rejects (ends in different sets, test failed), one bit per sorted
    // edge: the only ones the minimum-size pass can act on, since every other edge joins two
    // pixels of one set by the end of the merge pass and sets only grow. (A bit per edge, not
    // a list of the rejected edges: a quarter of them or more may be rejected, which would
    // cost up to 8 bytes per edge.)
    let rejected = LargeBuffer<UInt64>(
      uninitializedCount: minimumSize > 1 ? (graph.sortedEdges.count + 63) / 64 : 0)
    rejected.buffer.initialize(repeating: 0)
    /// The two pixels an edge joins.
    @inline(__always) func ends(_ packed: UInt64) -> (Int, Int) {
      let id = Int(truncatingIfNeeded: packed & 0xFFFF_FFFF)
      let p = id >> 2
      let d = id & 3
      return (p, p &+ (d < 2 ? (d == 0 ? offsets.0 : offsets.1) : (d == 2 ? offsets.2 : offsets.3)))
    }
    graph.sortedEdges.withUnsafeBufferPointer { edges in
      sets.withUnsafeStorage { parents, thresholds in
        let keep = minimumSize > 1
        let out = rejected.base
        // Merge pass: the paper's loop. The edges visit the pixels in weight order, i.e. at
        // random addresses; asking for the parents of the edge `ahead` places on hides part
        // of the memory latency once the 4 bytes per pixel outgrow the caches (CPrefetch).
        let ahead = 24
        for index in edges.indices {
          if index &+ ahead < edges.count {
            let (p, q) = ends(edges[index &+ ahead])
            regionkit_prefetch(parents + p)
            regionkit_prefetch(parents + q)
          }
          // Half as far ahead, the parents asked for above have arrived: ask for their
          // parents and, at roots, the thresholds the test reads (a hint only: the values may
          // change before the edge is reached, which costs a miss, never a wrong result).
          if index &+ ahead / 2 < edges.count {
            let (p, q) = ends(edges[index &+ ahead / 2])
            let parentOfP = Int(parents[p]), parentOfQ = Int(parents[q])
            let nextP = parentOfP < 0 ? p : parentOfP, nextQ = parentOfQ < 0 ? q : parentOfQ
            regionkit_prefetch(parents + nextP)
            regionkit_prefetch(thresholds + nextP)
            regionkit_prefetch(parents + nextQ)
            regionkit_prefetch(thresholds + nextQ)
          }
          let packed = edges[index]
          let (p, q) = ends(packed)
          let a = DisjointSet.root(of: p, in: parents)
          let b = DisjointSet.root(of: q, in: parents)
          if a == b { continue }
          let weight = Float(bitPattern: UInt32(truncatingIfNeeded: packed >> 32))
          if weight <= thresholds[a] && weight <= thresholds[b] {
            let root = DisjointSet.union(a, b, in: parents)
            thresholds[root] = weight + Float(k / Double(0 &- parents[root]))
          } else if keep {
            out[index &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: index & 63)
          }
        }
      }
    }
    if minimumSize > 1 {
      // Minimum-size pass over the rejected edges, in the same order (a fraction of all
      // edges, so each looks its two roots up directly).
      withExtendedLifetime(rejected) {
        graph.sortedEdges.withUnsafeBufferPointer { edges in
          sets.withUnsafeStorage { parents, differences in
            for (word, bits) in rejected.buffer.enumerated() {
              var bits = bits
              while bits != 0 {
                let packed = edges[word &<< 6 | bits.trailingZeroBitCount]
                bits &= bits &- 1
                let (p, q) = ends(packed)
                let a = DisjointSet.root(of: p, in: parents)
                let b = DisjointSet.root(of: q, in: parents)
                if a != b
                  && (Int(0 &- parents[a]) < minimumSize || Int(0 &- parents[b]) < minimumSize)
                {
                  let root = DisjointSet.union(a, b, in: parents)
                  differences[root] = Float(bitPattern: UInt32(truncatingIfNeeded: packed >> 32))
                }
              }
            }
          }
        }
      }
    }
    #if REGIONKIT_INTERNAL_CHECKS
      sets.checkInvariants()
    #endif
    return SegmentationResult(labels: sets.labelMap(width: width, height: height))
  }

  /// What valid ``channelWeights`` for `space` look like, or `nil` when `weights` are
  /// valid: one finite value `>= 0` per channel of `space`. Callers that build segmenters
  /// from their own parameters (selective search's strategies) check with it up front.
  public static func channelWeightsProblem(_ weights: [Float], in space: ColorSpace) -> String? {
    weights.count == space.channelCount && weights.allSatisfy({ $0.isFinite && $0 >= 0 })
      ? nil : "\(space.channelCount) finite values >= 0 (one per channel of \(space))"
  }

  func validate(_ image: Image) throws(SegmentationError) {
    let name = "FelzenszwalbSegmentation"
    guard threshold.isFinite && threshold >= 0 else {
      throw .invalidParameter(
        algorithm: name, field: "threshold", value: "\(threshold)", expected: "a finite value >= 0")
    }
    guard sigma.isFinite && sigma >= 0 && sigma <= Image.maximumBlurSigma else {
      throw .invalidParameter(
        algorithm: name, field: "sigma", value: "\(sigma)",
        expected: "a value in [0, \(Image.maximumBlurSigma)]")
    }
    guard minimumSize >= 0 else {
      throw .invalidParameter(
        algorithm: name, field: "minimumSize", value: "\(minimumSize)", expected: "a value >= 0")
    }
    if let channelWeights, let expected = Self.channelWeightsProblem(channelWeights, in: colorSpace)
    {
      throw .invalidParameter(
        algorithm: name, field: "channelWeights", value: "\(channelWeights)", expected: expected)
    }
    guard image.channels == 1 || image.channels == 3 else {
      throw .unsupportedChannelCount(algorithm: name, channels: image.channels, expected: "1 or 3")
    }
  }
}
