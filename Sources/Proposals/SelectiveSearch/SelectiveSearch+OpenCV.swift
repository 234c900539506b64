import Boxes
import Imaging
import Parallel
import Segmentation

extension SelectiveSearch {
  /// The merge hierarchies of `strategies` (all with ``Strategy/followsOpenCV``), computed
  /// as OpenCV ximgproc's `SelectiveSearchSegmentation::process` computes them.
  ///
  /// Per colour space: OpenCV's 8-bit image (``/Imaging/Image/openCVBytes(in:)``), its sorted
  /// 4-connected edge graph (``/Segmentation/OpenCVGraphSegmentation``), per *k* the label
  /// map and its regions (``OpenCVRegions``), the per-pixel colour bins (25 per channel over
  /// the bytes 0–255) and texture bins (``OpenCVTextureBins``). Per strategy: the grouping of
  /// ``OpenCVGrouping``. Spaces, then strategies, are spread over `threads` workers; results
  /// are placed by index, so the output is the same for any thread count.
  func openCVHierarchies(
    for image: Image, strategies: [Strategy]
  ) throws -> [MergeHierarchy] {
    var spaces: [ColorSpace] = []
    for strategy in strategies where !spaces.contains(strategy.colorSpace) {
      spaces.append(strategy.colorSpace)
    }
    let (w, h) = (image.width, image.height)
    let sigma = Double(self.sigma)
    struct Segmented: Sendable {
      var key: OpenCVGraphSegmentation
      var regions: OpenCVRegions
      var histograms: OpenCVGrouping.Histograms
    }
    struct SpaceResult: Sendable {
      var channels: Int
      var segmentations: [Segmented]
    }
    let perSpace = try orderedParallelMap(count: spaces.count, threads: threads) { index in
      let space = spaces[index]
      let mine = strategies.filter { $0.colorSpace == space }
      let bytes = image.openCVBytes(in: space)
      let c = space.channelCount
      let graph = OpenCVGraphSegmentation.graph(
        bytes, width: w, height: h, channels: c, sigma: sigma)
      // Colour bin of each byte: channel · 25 + ⌊25 v / 256⌋, calcHist's bin over [0, 256).
      let colour: [UInt16]? =
        mine.contains { $0.similarity.contains(.colour) }
        ? [UInt16](unsafeUninitializedCapacity: bytes.count) { out, initialized in
          for index in 0..<bytes.count {
            let bin = (Int(bytes[index]) * OpenCVGrouping.colourBins) >> 8
            out[index] = UInt16(index % c * OpenCVGrouping.colourBins + bin)
          }
          initialized = bytes.count
        } : nil
      let texture =
        mine.contains { $0.similarity.contains(.texture) }
        ? OpenCVTextureBins(bytes: bytes, width: w, height: h, channels: c) : nil
      var segmentations: [Segmented] = []
      for strategy in mine {
        let key = OpenCVGraphSegmentation(
          threshold: strategy.threshold, sigma: sigma, minimumSize: strategy.minimumSegmentSize)
        if segmentations.contains(where: { $0.key == key }) { continue }
        let (labels, count) = key.segment(graph)
        let regions = OpenCVRegions(labels: labels, count: count, width: w, height: h)
        let sets = mine.filter {
          $0.threshold == strategy.threshold && $0.minimumSegmentSize == strategy.minimumSegmentSize
        }.map(\.similarity)
        let histograms = OpenCVGrouping.Histograms(
          regions: regions, channels: c,
          colourBins: sets.contains { $0.contains(.colour) } ? colour : nil,
          textureBins: sets.contains { $0.contains(.texture) } ? texture : nil)
        segmentations.append(Segmented(key: key, regions: regions, histograms: histograms))
      }
      return SpaceResult(channels: c, segmentations: segmentations)
    }
    return try orderedParallelMap(count: strategies.count, threads: threads) { index in
      let strategy = strategies[index]
      let space = perSpace[spaces.firstIndex(of: strategy.colorSpace)!]
      let key = OpenCVGraphSegmentation(
        threshold: strategy.threshold, sigma: sigma, minimumSize: strategy.minimumSegmentSize)
      let segmented = space.segmentations.first { $0.key == key }!
      var grouping = OpenCVGrouping(
        regions: segmented.regions, set: strategy.similarity, imageSize: w * h,
        histograms: segmented.histograms)
      return grouping.run()
    }
  }
}

/// The initial regions of an OpenCV label map, with the statistics
/// `SelectiveSearchSegmentation::process` derives from it: sizes, bounding rectangles and
/// the neighbouring pairs.
///
/// OpenCV marks two labels as neighbours when, for a pixel in row ≥ 1 and column ≥ 1, one
/// is the pixel's and the other its left, upper or upper-left neighbour's; so pairs that
/// touch only along the first row, the first column or an up-right diagonal are not
/// neighbours, and a hierarchy may end with more than one root.
struct OpenCVRegions: Sendable {
  let width: Int
  let height: Int
  let labels: [Int32]
  let count: Int
  /// Pixels per region.
  let sizes: [Int32]
  /// Pixel-edge bounding boxes (`x1, y1, x2, y2`, integers).
  let rects: [(Int32, Int32, Int32, Int32)]
  /// Per region `i`, its neighbours `j > i`, ascending.
  let laterNeighbours: [[Int32]]

  init(labels: [Int32], count: Int, width: Int, height: Int) {
    self.width = width
    self.height = height
    self.labels = labels
    self.count = count
    var sizes = [Int32](repeating: 0, count: count)
    var rects = [(Int32, Int32, Int32, Int32)](
      repeating: (Int32.max, Int32.max, Int32.min, Int32.min), count: count)
    var pairs = Set<UInt64>()
    for y in 0..<height {
      for x in 0..<width {
        let label = Int(labels[y * width + x])
        sizes[label] += 1
        let (x1, y1, x2, y2) = rects[label]
        rects[label] = (
          min(x1, Int32(x)), min(y1, Int32(y)), max(x2, Int32(x + 1)), max(y2, Int32(y + 1))
        )
        guard x > 0 && y > 0 else { continue }
        for other in [
          labels[y * width + x - 1], labels[(y - 1) * width + x],
          labels[(y - 1) * width + x - 1],
        ] where Int(other) != label {
          let (a, b) = (min(Int32(label), other), max(Int32(label), other))
          pairs.insert(UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)))
        }
      }
    }
    var later = [[Int32]](repeating: [], count: count)
    for pair in pairs.sorted() {
      later[Int(pair >> 32)].append(Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF))
    }
    self.sizes = sizes
    self.rects = rects
    laterNeighbours = later
  }
}

/// OpenCV ximgproc's hierarchical grouping (`hierarchicalGrouping`) of one segmentation with
/// one similarity set, with OpenCV's arithmetic and merge order.
///
/// - Histograms: colour 25 bins per channel over the bytes 0–255, texture as in
///   ``OpenCVTextureBins``; each region's counts divided (in Float) by its entry total.
///   Merging sets both regions' rows to `(h₁ s₁ + h₂ s₂) / (s₁ + s₂)` in Float.
/// - Similarity: colour and texture `Σ min` summed in bin order; size
///   `1 − (s₁ + s₂) / |image|`; fill `1 − (|rect₁ ∪ rect₂| − s₁ − s₂) / |image|`, both
///   clamped to `[0, 1]`; a set of several measures is their weighted mean in the order
///   colour, fill, texture, size, with OpenCV's Float weights (0.5, 0.3333 or 0.25 each)
///   divided by their Float sum; a single measure is used as it is.
/// - Order: the candidate pairs live in one array, sorted before each merge with the
///   standard library's introsort (``/Segmentation/IntroSort``); the last (most similar)
///   pair merges, every pair naming either region leaves the array (their other ends kept
///   in the order met), and the merged region's pairs with those ends are appended.
///   Sorting the whole array each time makes ties resolve as in OpenCV; the cost is
///   O(*m* log *m*) per merge for *m* pairs, as in OpenCV.
struct OpenCVGrouping {
  static let colourBins = 25

  /// The initial regions' colour and texture histograms of one segmentation, which every
  /// strategy on it starts from (empty when no strategy reads them).
  struct Histograms: Sendable {
    var colour: [Float]
    var texture: [Float]
    let colourLength: Int
    let textureLength: Int

    init(
      regions: OpenCVRegions, channels: Int, colourBins: [UInt16]?,
      textureBins: OpenCVTextureBins?
    ) {
      colourLength = colourBins == nil ? 0 : channels * OpenCVGrouping.colourBins
      textureLength = textureBins?.length ?? 0
      colour = OpenCVGrouping.histograms(
        labels: regions.labels, regions: regions.count, sizes: regions.sizes,
        length: colourLength, positions: colourBins ?? [], perPixel: channels)
      texture = OpenCVGrouping.histograms(
        labels: regions.labels, regions: regions.count, sizes: regions.sizes,
        length: textureLength, positions: textureBins?.positions ?? [],
        perPixel: channels * OpenCVTextureBins.maps)
    }
  }

  let regions: OpenCVRegions
  let set: SelectiveSearch.SimilaritySet
  let imageSize: Int
  /// Per region id (rows follow merges): colour and texture histograms, sizes, rectangles.
  var colour: [Float]
  var texture: [Float]
  let colourLength: Int
  let textureLength: Int
  var sizes: [Int32]
  var rects: [(Int32, Int32, Int32, Int32)]
  /// The measures in OpenCV's order, with their weights and the weights' Float sum.
  let measures: [SelectiveSearch.SimilaritySet]
  let weight: Float
  let weightTotal: Float

  init(
    regions: OpenCVRegions, set: SelectiveSearch.SimilaritySet, imageSize: Int,
    histograms: Histograms
  ) {
    self.regions = regions
    self.set = set
    self.imageSize = imageSize
    sizes = regions.sizes
    rects = regions.rects
    let readsColour = set.contains(.colour), readsTexture = set.contains(.texture)
    colourLength = readsColour ? histograms.colourLength : 0
    textureLength = readsTexture ? histograms.textureLength : 0
    colour = readsColour ? histograms.colour : []
    texture = readsTexture ? histograms.texture : []
    measures = [.colour, .fill, .texture, .size].filter { set.contains($0) }
    let weight: Float = [1, 1, 0.5, 0.3333, 0.25][measures.count]
    self.weight = weight
    weightTotal = measures.reduce(Float(0)) { total, _ in total + weight }
  }

  /// Per region, its counts of `positions` (`perPixel` per pixel) divided by its entry
  /// total `size · perPixel`.
  static func histograms(
    labels: [Int32], regions: Int, sizes: [Int32], length: Int, positions: [UInt16],
    perPixel: Int
  ) -> [Float] {
    guard length > 0 else { return [] }
    var counts = [Int32](repeating: 0, count: regions * length)
    counts.withUnsafeMutableBufferPointer { counts in
      positions.withUnsafeBufferPointer { positions in
        for p in labels.indices {
          let row = Int(labels[p]) * length
          for j in 0..<perPixel { counts[row + Int(positions[p * perPixel + j])] += 1 }
        }
      }
    }
    var histograms = [Float](repeating: 0, count: regions * length)
    histograms.withUnsafeMutableBufferPointer { histograms in
      for region in 0..<regions {
        let total = Float(Int(sizes[region]) * perPixel)
        for j in 0..<length {
          histograms[region * length + j] = Float(counts[region * length + j]) / total
        }
      }
    }
    return histograms
  }

  /// `Σ min(row a, row b)`, added in bin order as OpenCV adds it.
  @inline(__always)
  static func intersection(_ rows: [Float], _ length: Int, _ a: Int, _ b: Int) -> Float {
    rows.withUnsafeBufferPointer { rows in
      var sum: Float = 0
      let (rowA, rowB) = (a * length, b * length)
      for j in 0..<length { sum += min(rows[rowA + j], rows[rowB + j]) }
      return sum
    }
  }

  /// OpenCV's similarity of regions (by id) `a` and `b`.
  func similarity(_ a: Int, _ b: Int) -> Float {
    func value(_ measure: SelectiveSearch.SimilaritySet) -> Float {
      let image = Float(imageSize)
      switch measure {
      case .colour: return Self.intersection(colour, colourLength, a, b)
      case .texture: return Self.intersection(texture, textureLength, a, b)
      case .size:
        return max(min(1 - Float(sizes[a] + sizes[b]) / image, 1), 0)
      default:
        let (ra, rb) = (rects[a], rects[b])
        let area = (max(ra.2, rb.2) - min(ra.0, rb.0)) * (max(ra.3, rb.3) - min(ra.1, rb.1))
        return max(min(1 - Float(area - sizes[a] - sizes[b]) / image, 1), 0)
      }
    }
    if measures.count == 1 { return value(measures[0]) }
    var total: Float = 0
    for measure in measures { total += weight * value(measure) }
    return total / weightTotal
  }

  /// Merges region `b`'s statistics into `a`'s and copies them back to `b`.
  mutating func merge(_ a: Int, _ b: Int) {
    let (sa, sb) = (Float(sizes[a]), Float(sizes[b]))
    let sum = Float(sizes[a] + sizes[b])
    func blend(_ rows: inout [Float], _ length: Int) {
      for j in 0..<length {
        let value = (rows[a * length + j] * sa + rows[b * length + j] * sb) / sum
        rows[a * length + j] = value
        rows[b * length + j] = value
      }
    }
    blend(&colour, colourLength)
    blend(&texture, textureLength)
    let (ra, rb) = (rects[a], rects[b])
    rects[a] = (min(ra.0, rb.0), min(ra.1, rb.1), max(ra.2, rb.2), max(ra.3, rb.3))
    rects[b] = rects[a]
    sizes[a] += sizes[b]
    sizes[b] = sizes[a]
  }

  /// Groups until no pair is left; the hierarchy's leaves are the regions.
  mutating func run() -> MergeHierarchy {
    let n = regions.count
    var hierarchy = MergeHierarchy(
      leafBoxes: regions.rects.map {
        Box(x1: Float($0.0), y1: Float($0.1), x2: Float($0.2), y2: Float($0.3))
      }, leafSizes: regions.sizes.map(Int.init))
    // The id (histogram row) of each node: a merged node takes the smaller of its children's.
    var ids = [Int32](0..<Int32(n))
    // The pair array as sort keys: each pair's similarity bits (>= +0, so they order like
    // the values) over its slot in `slots`, where its ends are; slots of removed pairs are
    // reused.
    var pairs: [UInt64] = []
    var slots: [(from: Int32, to: Int32)] = []
    var freeSlots: [UInt32] = []
    func append(_ similarity: Float, _ from: Int32, _ to: Int32) {
      let slot: UInt32
      if let free = freeSlots.popLast() {
        slot = free
        slots[Int(slot)] = (from, to)
      } else {
        slot = UInt32(slots.count)
        slots.append((from, to))
      }
      pairs.append(UInt64(similarity.bitPattern) << 32 | UInt64(slot))
    }
    for i in 0..<n {
      for j in regions.laterNeighbours[i] { append(similarity(i, Int(j)), Int32(i), j) }
    }
    var local: [Int32] = []
    while !pairs.isEmpty {
      pairs.withUnsafeMutableBufferPointer { IntroSort.sort($0) }
      let key = pairs.removeLast()
      let best = slots[Int(truncatingIfNeeded: key & 0xFFFF_FFFF)]
      freeSlots.append(UInt32(truncatingIfNeeded: key & 0xFFFF_FFFF))
      let (from, to) = (best.from, best.to)
      let node = Int32(hierarchy.merge(Int(from), Int(to)))
      let (idFrom, idTo) = (ids[Int(from)], ids[Int(to)])
      ids.append(min(idFrom, idTo))
      merge(Int(idFrom), Int(idTo))
      local.removeAll(keepingCapacity: true)
      var kept = 0
      for index in pairs.indices {
        let slot = UInt32(truncatingIfNeeded: pairs[index] & 0xFFFF_FFFF)
        let pair = slots[Int(slot)]
        let touchesFrom = pair.from == from || pair.from == to
        if touchesFrom || pair.to == from || pair.to == to {
          let other = touchesFrom ? pair.to : pair.from
          if !local.contains(other) { local.append(other) }
          freeSlots.append(slot)
        } else {
          pairs[kept] = pairs[index]
          kept += 1
        }
      }
      pairs.removeLast(pairs.count - kept)
      let id = Int(ids[Int(node)])
      for other in local { append(similarity(id, Int(ids[Int(other)])), node, other) }
    }
    #if REGIONKIT_INTERNAL_CHECKS
      hierarchy.checkInvariants()
    #endif
    return hierarchy
  }
}
