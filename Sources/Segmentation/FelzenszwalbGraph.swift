import Imaging
import Synchronization

/// The sorted edge graph of one image for ``FelzenszwalbSegmentation``, built in horizontal
/// bands that separate workers may pack at the same time, then sorted once and shared by the
/// segmentations of every threshold and minimum size.
///
/// Band *i* of *b* covers rows `i h / b ..< (i + 1) h / b`. Packing a band converts and
/// blurs its rows plus a margin of the blur's radius and one row on each side (so its samples
/// equal those of a blur of the whole image, bit for bit) and writes the edges its pixels
/// own at their place in the id order. The sorted edges, and so the segmentations, are the
/// same for any number of bands and any order in which they are packed.
///
///     let graph = try FelzenszwalbGraph(image: image, parameters: segmenter, bands: 2)
///     graph.pack(band: 0)   // on one thread
///     graph.pack(band: 1)   // on another
///     let sorted = graph.sorted()                        // after both
///     let result = sorted.segment(with: segmenter)       // for each threshold
///
/// - Complexity: Packing is O(*n*) for the band's *n* pixels; ``sorted()`` sorts all edges
///   once, O(*E*); each ``Sorted/segment(with:)`` runs one segmenter's merge passes.
package final class FelzenszwalbGraph: @unchecked Sendable {
  // `@unchecked`: `state` is only touched under its lock; bands write disjoint ranges of the
  // edge buffer, which `sorted()` reads only after every band is packed.
  private let image: Image
  /// The blur, colour space, channel weights and connectivity of the graph.
  package let parameters: FelzenszwalbSegmentation
  /// The number of bands.
  package let bands: Int
  private let state: Mutex<State>

  private struct State: Sendable {
    var edges: LargeBuffer<UInt64>?
    var maxBits: UInt32 = 0
    var packed: [Bool]
  }

  /// Prepares the graph of `image` (1 or 3 channels) with the blur, colour space, channel
  /// weights and connectivity of `parameters`, in `bands` bands (at least 1).
  ///
  /// - Throws: ``SegmentationError`` for parameters or an image that
  ///   ``FelzenszwalbSegmentation/segment(_:)`` rejects.
  package init(image: Image, parameters: FelzenszwalbSegmentation, bands: Int)
    throws(SegmentationError)
  {
    precondition(bands >= 1, "FelzenszwalbGraph: \(bands) bands")
    try parameters.validate(image)
    self.image = image
    self.parameters = parameters
    self.bands = bands
    state = Mutex(State(packed: [Bool](repeating: false, count: bands)))
  }

  private var diagonals: Bool { parameters.connectivity == .eight }

  /// The rows of band `band`.
  func rows(of band: Int) -> Range<Int> {
    (band * image.height / bands)..<((band + 1) * image.height / bands)
  }

  /// Converts, blurs and packs the edges of band `band`. Bands may be packed concurrently;
  /// each only once.
  package func pack(band: Int) {
    let rows = rows(of: band)
    let (w, h) = (image.width, image.height)
    if !rows.isEmpty {
      let radius = Image.gaussianKernel(sigma: parameters.sigma).count / 2
      let low = max(0, rows.lowerBound - 1 - radius)
      let high = min(h, rows.upperBound + 1 + radius)
      var normalized = image.rows(low..<high).normalizedChannels(
        in: parameters.colorSpace, weights: parameters.channelWeights)
      if parameters.quantizesToEightBits { normalized.roundToEightBits() }
      let total = GridGraph.edgeCount(width: w, height: h, rows: 0..<h, diagonals: diagonals)
      let edges = state.withLock { state in
        if state.edges == nil { state.edges = LargeBuffer(uninitializedCount: total) }
        return state.edges!
      }
      let first = GridGraph.edgeCount(
        width: w, height: h, rows: 0..<rows.lowerBound, diagonals: diagonals)
      let count = GridGraph.edgeCount(width: w, height: h, rows: rows, diagonals: diagonals)
      // The blurred samples go to huge-page storage released once the edges are packed,
      // before the sort allocates its scratch buffer.
      let features = LargeBuffer<Float>(uninitializedCount: normalized.pixels.count)
      normalized.gaussianBlur(sigma: parameters.sigma, border: .reflect, into: features.buffer)
      let bits = features.withUnsafeBufferPointer { samples in
        GridGraph.packEdges(
          samples, firstSampleRow: low,
          into: UnsafeMutableBufferPointer(rebasing: edges.buffer[first..<(first + count)]),
          width: w, height: h, rows: rows, channels: normalized.channels, diagonals: diagonals)
      }
      state.withLock { $0.maxBits = max($0.maxBits, bits) }
    }
    state.withLock { state in
      precondition(!state.packed[band], "FelzenszwalbGraph: band \(band) packed twice")
      state.packed[band] = true
    }
  }

  /// Sorts the edges (every band must be packed) and hands them over: this graph keeps
  /// none, so the sorted edges are freed with the returned value.
  package func sorted() -> Sorted {
    let packed = state.withLock { state in
      precondition(state.packed.allSatisfy { $0 }, "FelzenszwalbGraph: a band is not packed")
      defer { state.edges = nil }
      return GridGraph.Packed(
        width: image.width, height: image.height,
        edges: state.edges ?? LargeBuffer(uninitializedCount: 0), maxBits: state.maxBits)
    }
    return Sorted(graph: GridGraph(sorting: packed), parameters: parameters)
  }

  /// A graph's sorted edges, which segmenters with any threshold and minimum size read,
  /// concurrently if need be.
  package struct Sorted: Sendable {
    let graph: GridGraph
    /// The blur, colour space, channel weights and connectivity of the graph.
    package let parameters: FelzenszwalbSegmentation

    /// The segmentation of `segmenter`, whose sigma, colour space, channel weights and
    /// connectivity must be the graph's (only its threshold and minimum size are read).
    package func segment(with segmenter: FelzenszwalbSegmentation) -> SegmentationResult {
      precondition(
        segmenter.sharesGraph(with: parameters),
        "FelzenszwalbGraph: a segmenter with other graph parameters")
      return segmenter.segment(graph: graph, width: graph.width, height: graph.height)
    }
  }
}

extension Image {
  /// Rows `rows` of this image (the image itself when they are all of it).
  fileprivate func rows(_ rows: Range<Int>) -> Image {
    guard rows != 0..<height else { return self }
    let rowLength = width * channels
    return Image(
      width: width, height: rows.count, channels: channels,
      pixels: Array(pixels[(rows.lowerBound * rowLength)..<(rows.upperBound * rowLength)]))
  }
}
