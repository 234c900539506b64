import Boxes
import Imaging
import ProposalIO
import Segmentation

/// Bounding boxes of segments from several segmentations, plus unions of adjacent pairs.
///
/// The idea: an object is often one segment, or two touching ones, of *some* segmentation.
/// Every segmenter runs on the image; each region's bounding box and the union box of each
/// pair of 8-adjacent regions become proposals. Boxes smaller than `minArea` are dropped and
/// identical boxes are kept once (with the best score). The score is the fill ratio, the
/// pixels of the segment(s) over the box area, so compact segments rank first; ties keep the
/// order of segmenters, regions and pairs.
///
///     let generator = SegmentBoxes(segmenters: [.felzenszwalb(threshold: 300), .slic(segments: 100)])
///     let proposals = try generator.proposals(for: image)
///
/// - Parameters:
///   - segmenters: The segmentations to run. Default: ``defaultSegmenters`` (FH at k = 100,
///     300, 1000; k-means with 4, 8, 16 clusters; SLIC with 50 and 200 superpixels).
///   - includePairs: Also propose the union box of each pair of adjacent regions.
///     Default: `true`.
///   - minArea: Boxes with a smaller area (square pixels) are dropped, `>= 0`. Default: `100`.
///   - maxProposals: At most this many boxes are returned, best first. Default: `10000`.
///   - seed: Seed of the k-means initialisation. Default: `0`.
/// - Complexity: the segmentations' cost plus O(*R* + *E*) for *R* regions and *E* adjacent
///   pairs, and O(*B* log *B*) to rank *B* boxes.
///
/// Reference: J. Hosang, R. Benenson, P. Dollár, B. Schiele, "What makes for effective
/// detection proposals?", TPAMI 2016 (segment-based baselines); P. Felzenszwalb,
/// D. Huttenlocher, IJCV 2004; R. Achanta et al., TPAMI 2012 (SLIC).
public struct SegmentBoxes: ProposalGenerator, Hashable {
  /// One segmentation to take boxes from.
  public enum Segmenter: Sendable, Hashable {
    /// Felzenszwalb–Huttenlocher with threshold *k* (sigma 0.8, minimum size 20, RGB).
    case felzenszwalb(threshold: Float)
    /// k-means colour clustering in Lab into `clusters` colours, split into connected parts.
    case kMeans(clusters: Int)
    /// SLIC with about `segments` superpixels (compactness 10).
    case slic(segments: Int)

    /// The short name used in provenance strategies.
    public var label: String {
      switch self {
      case .felzenszwalb: "fh"
      case .kMeans: "kmeans"
      case .slic: "slic"
      }
    }

    /// The parameter stored as the provenance `k`.
    var parameter: Float {
      switch self {
      case .felzenszwalb(let threshold): threshold
      case .kMeans(let clusters): Float(clusters)
      case .slic(let segments): Float(segments)
      }
    }

    func segment(_ image: Image, seed: UInt64) throws -> SegmentationResult {
      switch self {
      case .felzenszwalb(let threshold):
        try FelzenszwalbSegmentation(threshold: threshold).segment(image)
      case .kMeans(let clusters):
        try KMeansSegmentation(clusters: clusters, seed: seed).segment(image)
      case .slic(let segments): try SLIC(segments: segments).segment(image)
      }
    }
  }

  /// FH at k = 100, 300, 1000; k-means with 4, 8, 16 clusters; SLIC with 50 and 200 superpixels.
  public static let defaultSegmenters: [Segmenter] = [
    .felzenszwalb(threshold: 100), .felzenszwalb(threshold: 300), .felzenszwalb(threshold: 1000),
    .kMeans(clusters: 4), .kMeans(clusters: 8), .kMeans(clusters: 16),
    .slic(segments: 50), .slic(segments: 200),
  ]

  public var segmenters: [Segmenter]
  public var includePairs: Bool
  public var minArea: Float
  public var maxProposals: Int
  public var seed: UInt64

  public init(
    segmenters: [Segmenter] = SegmentBoxes.defaultSegmenters, includePairs: Bool = true,
    minArea: Float = 100, maxProposals: Int = 10000, seed: UInt64 = 0
  ) {
    self.segmenters = segmenters
    self.includePairs = includePairs
    self.minArea = minArea
    self.maxProposals = maxProposals
    self.seed = seed
  }

  public var name: String { "segments" }

  public func proposals(for image: Image) throws -> [Proposal] {
    guard minArea >= 0 && minArea.isFinite else {
      throw ProposalsError.invalidParameter(
        generator: name, field: "minArea", value: "\(minArea)", expected: "a finite value >= 0")
    }
    guard maxProposals >= 0 else {
      throw ProposalsError.invalidParameter(
        generator: name, field: "maxProposals", value: "\(maxProposals)", expected: "0 or more")
    }
    var best: [Box: Int] = [:]
    var proposals: [Proposal] = []
    func add(_ box: Box, pixels: Int, provenance: Provenance) {
      guard box.area >= minArea else { return }
      let score = Float(pixels) / box.area
      if let index = best[box] {
        if score > proposals[index].score {
          proposals[index] = Proposal(box: box, score: score, provenance: provenance)
        }
      } else {
        best[box] = proposals.count
        proposals.append(Proposal(box: box, score: score, provenance: provenance))
      }
    }
    for segmenter in segmenters {
      let regions = try segmenter.segment(image, seed: seed).regions
      for region in regions {
        add(
          region.bounds, pixels: region.size,
          provenance: Provenance(
            method: name, k: segmenter.parameter, strategy: segmenter.label, level: 0))
      }
      guard includePairs else { continue }
      for (a, region) in regions.enumerated() {
        for b in region.neighbours where b > a {
          let other = regions[b]
          let union = Box(
            x1: min(region.bounds.x1, other.bounds.x1), y1: min(region.bounds.y1, other.bounds.y1),
            x2: max(region.bounds.x2, other.bounds.x2), y2: max(region.bounds.y2, other.bounds.y2))
          add(
            union, pixels: region.size + other.size,
            provenance: Provenance(
              method: name, k: segmenter.parameter, strategy: segmenter.label, level: 1))
        }
      }
    }
    let order = proposals.indices.sorted {
      proposals[$0].score != proposals[$1].score
        ? proposals[$0].score > proposals[$1].score : $0 < $1
    }
    return order.prefix(maxProposals).map { proposals[$0] }
  }
}
