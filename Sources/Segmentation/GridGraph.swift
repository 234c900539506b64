import Imaging

/// The 8-connected (or 4-connected) pixel graph of an image with edges sorted by colour distance, the input
/// of Felzenszwalb–Huttenlocher segmentation.
///
/// Each pixel `p` at `(x, y)` owns up to four edges, towards `(x+1, y)`, `(x, y+1)`,
/// `(x+1, y+1)` and `(x+1, y-1)` (scikit-image's order); edge id `4p + d` names the edge in
/// direction `d`. A 4-connected graph has only directions 0 and 1. An edge is packed as `weight.bitPattern << 32 | id`: weights are
/// non-negative floats, whose bit patterns order like their values.
///
/// Sorting is an LSD radix sort (two stable passes of 8 bits) on a 16-bit key that orders
/// like the weight: its float bit pattern with the low mantissa bits dropped, over the 16
/// octaves below the largest weight. Edges enter in id order, so the result is ordered by
/// weight up to a relative resolution of about 2.4e-4, ties by id: deterministic and
/// O(*E*). (An exact 32-bit sort needs four passes and made FH about 15 % slower for no
/// measurable change in the segmentations: `Docs/benchmarks.md (Segmentation)`.)
struct GridGraph: Sendable {
  let width: Int
  let height: Int
  /// Packed edges in non-decreasing weight order, ties by id.
  let sortedEdges: LargeBuffer<UInt64>

  /// Pixel index offset of the neighbour in direction `d`.
  let neighbourOffsets: [Int]

  /// Builds and sorts the graph of `image` (any channel count), weights = Euclidean
  /// distance between the pixels' channel vectors.
  init(image: Image, connectivity: PixelConnectivity = .eight) {
    self.init(
      sorting: image.pixels.withUnsafeBufferPointer { samples in
        GridGraph.pack(
          samples: samples, width: image.width, height: image.height, channels: image.channels,
          connectivity: connectivity)
      })
  }

  /// The edges of a graph in id order, before sorting: what ``pack(samples:width:height:channels:connectivity:)``
  /// returns, so that callers can release the samples before the sort's scratch buffer is
  /// allocated (lower peak memory).
  struct Packed {
    let width: Int
    let height: Int
    let edges: LargeBuffer<UInt64>
    /// The largest weight's bit pattern.
    let maxBits: UInt32
  }

  /// Computes the packed edges of `width` x `height` pixels of `channels` interleaved
  /// samples each, in id order.
  static func pack(
    samples: UnsafeBufferPointer<Float>, width: Int, height: Int, channels: Int,
    connectivity: PixelConnectivity = .eight
  ) -> Packed {
    precondition(samples.count >= width * height * channels, "GridGraph: too few samples")
    let diagonals = connectivity == .eight
    let rows = 0..<height
    let edges = LargeBuffer<UInt64>(
      uninitializedCount: edgeCount(width: width, height: height, rows: rows, diagonals: diagonals))
    let maxBits = GridGraph.packEdges(
      samples, firstSampleRow: 0, into: edges.buffer, width: width, height: height, rows: rows,
      channels: channels, diagonals: diagonals)
    return Packed(width: width, height: height, edges: edges, maxBits: maxBits)
  }

  /// The number of edges owned by the pixels of `rows` (each pixel owns the edges towards
  /// its right, lower, lower-right and upper-right neighbours, the last two only when
  /// `diagonals`): where the edges of a band of rows start in the id-ordered list.
  static func edgeCount(width: Int, height: Int, rows: Range<Int>, diagonals: Bool) -> Int {
    guard width > 0 else { return 0 }
    var count = 0
    for y in rows {
      count += width - 1
      if y + 1 < height { count += width + (diagonals ? width - 1 : 0) }
      if diagonals && y > 0 { count += width - 1 }
    }
    return count
  }

  /// Sorts packed edges into a graph.
  init(sorting packed: Packed) {
    width = packed.width
    height = packed.height
    neighbourOffsets = [1, width, width + 1, 1 - width]
    let edges = packed.edges
    let scratch = LargeBuffer<UInt64>(uninitializedCount: edges.count)
    // Each pass gives the pages it has read back to the system, so the edges and the
    // scratch buffer together hold about one copy of the edges at a time.
    let inScratch = GridGraph.radixSortByWeight(
      edges.buffer, scratch: scratch.buffer, maxBits: packed.maxBits,
      discardsReadPages: edges.discardsPages)
    sortedEdges = inScratch ? scratch : edges
  }

  @inline(__always)
  private static func distance(
    _ s: UnsafeBufferPointer<Float>, _ a: Int, _ b: Int, channels c: Int
  ) -> Float {
    if c == 3 {
      let d0 = s[a] - s[b], d1 = s[a + 1] - s[b + 1], d2 = s[a + 2] - s[b + 2]
      return (d0 * d0 + d1 * d1 + d2 * d2).squareRoot()
    }
    var sum: Float = 0
    for k in 0..<c {
      let d = s[a + k] - s[b + k]
      sum += d * d
    }
    return sum.squareRoot()
  }

  /// Writes the edges owned by the pixels of `rows`, packed, in increasing id order, and
  /// returns the largest weight's bit pattern. `s` holds the samples of consecutive rows from
  /// `firstSampleRow` on, which must include the rows just above and below `rows` where the
  /// image has them (the diagonal and vertical edges read them). The write cursor and the
  /// maximum are plain locals (no captured state), so the loop carries no exclusivity checks.
  static func packEdges(
    _ s: UnsafeBufferPointer<Float>, firstSampleRow: Int,
    into edges: UnsafeMutableBufferPointer<UInt64>, width w: Int, height h: Int, rows: Range<Int>,
    channels c: Int, diagonals: Bool
  ) -> UInt32 {
    precondition(
      rows.isEmpty
        || (max(rows.lowerBound - 1, 0) >= firstSampleRow
          && min(rows.upperBound + 1, h) - firstSampleRow <= s.count / max(w * c, 1)),
      "GridGraph: the samples do not cover rows \(rows) and their neighbours")
    guard let out = edges.baseAddress else { return 0 }  // no edges to write
    var next = 0
    var maxBits: UInt32 = 0
    for y in rows {
      for x in 0..<w {
        let p = y * w + x
        let a = (p - firstSampleRow * w) * c
        let id = UInt64(4 * p)
        if x + 1 < w {
          let bits = distance(s, a, a + c, channels: c).bitPattern
          maxBits = max(maxBits, bits)
          out[next] = UInt64(bits) << 32 | id
          next &+= 1
        }
        if y + 1 < h {
          let bits = distance(s, a, a + w * c, channels: c).bitPattern
          maxBits = max(maxBits, bits)
          out[next] = UInt64(bits) << 32 | (id | 1)
          next &+= 1
          if diagonals && x + 1 < w {
            let bits = distance(s, a, a + (w + 1) * c, channels: c).bitPattern
            maxBits = max(maxBits, bits)
            out[next] = UInt64(bits) << 32 | (id | 2)
            next &+= 1
          }
        }
        if diagonals && x + 1 < w && y > 0 {
          let bits = distance(s, a, a - (w - 1) * c, channels: c).bitPattern
          maxBits = max(maxBits, bits)
          out[next] = UInt64(bits) << 32 | (id | 3)
          next &+= 1
        }
      }
    }
    precondition(next == edges.count, "GridGraph: counted \(edges.count) edges, wrote \(next)")
    return maxBits
  }

  /// Mantissa bits dropped by ``sortKey(_:base:)``: 12 of 23 are kept, so weights closer
  /// than 2⁻¹² relative may be visited in id order instead of weight order.
  static let keyShift: UInt32 = 11

  /// A 16-bit key that orders like the weight: the weight's bit pattern relative to `base`
  /// with ``keyShift`` low bits dropped; weights below `base` get key 0.
  @inline(__always)
  static func sortKey(_ bits: UInt32, base: UInt32) -> Int {
    bits <= base ? 0 : Int(truncatingIfNeeded: (bits &- base) >> keyShift)
  }

  /// The `base` for ``sortKey(_:base:)`` that gives the largest weight (bit pattern
  /// `maxBits`) the key 65535: keys then span the top 16 octaves below it (about 2.4e-4
  /// relative resolution); smaller weights share key 0.
  static func keyBase(maxBits: UInt32) -> UInt32 {
    let span: UInt32 = 0xFFFF << keyShift
    return maxBits > span ? maxBits - span : 0
  }

  /// Stable LSD radix sort of packed edges by the 16-bit ``sortKey(_:base:)`` of their
  /// weight: two counting passes of 8 bits (256 scatter streams stay in L1). `maxBits` is
  /// the largest weight's bit pattern (computed here when `nil`).
  static func radixSortByWeight(_ edges: inout [UInt64], maxBits: UInt32? = nil) {
    let n = edges.count
    var scratch = [UInt64](repeating: 0, count: n)
    let inScratch = edges.withUnsafeMutableBufferPointer { edges in
      scratch.withUnsafeMutableBufferPointer { scratch in
        radixSortByWeight(edges, scratch: scratch, maxBits: maxBits)
      }
    }
    if inScratch { swap(&edges, &scratch) }
  }

  /// The sort of ``radixSortByWeight(_:maxBits:)`` on raw storage: `scratch` (as long as
  /// `edges`) receives intermediate passes. Returns `true` when the sorted edges ended in
  /// `scratch`, `false` when in `edges`. With `discardsReadPages`, each pass gives the pages
  /// of its source back to the system as it reads them (``LargeBuffer/discardPages(of:_:)``),
  /// so the two buffers hold about one copy of the edges at a time; the unsorted input is
  /// then lost even when the sorted edges end in `scratch`.
  static func radixSortByWeight(
    _ edges: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>,
    maxBits knownMaxBits: UInt32? = nil, discardsReadPages: Bool = false
  ) -> Bool {
    let n = edges.count
    precondition(scratch.count >= n, "GridGraph: scratch of \(scratch.count) for \(n) edges")
    guard n > 1 else { return false }
    var maxBits: UInt32 = 0
    if let knownMaxBits {
      maxBits = knownMaxBits
    } else {
      for element in edges { maxBits = max(maxBits, UInt32(truncatingIfNeeded: element >> 32)) }
    }
    let base = keyBase(maxBits: maxBits)
    var counts = [Int](repeating: 0, count: 512)
    counts.withUnsafeMutableBufferPointer { counts in
      for element in edges {
        let key = sortKey(UInt32(truncatingIfNeeded: element >> 32), base: base)
        counts[key & 255] += 1
        counts[256 + key >> 8] += 1
      }
    }
    var sortedInScratch = false
    for pass in 0..<2 {
      let offset = pass * 256
      if counts[offset..<(offset + 256)].contains(n) { continue }  // one digit value: no-op
      var start = 0
      for digit in 0..<256 {
        let count = counts[offset + digit]
        counts[offset + digit] = start
        start += count
      }
      let shift = pass * 8
      counts.withUnsafeMutableBufferPointer { counts in
        let next = counts.baseAddress! + offset
        let (from, to) = sortedInScratch ? (scratch, edges) : (edges, scratch)
        guard discardsReadPages else {
          scatter(UnsafeBufferPointer(from), to, next: next, base: base, shift: shift)
          return
        }
        // In chunks of 1 MiB, each given back once scattered.
        let chunk = 1 << 17
        for start in stride(from: 0, to: n, by: chunk) {
          let range = start..<min(start + chunk, n)
          scatter(
            UnsafeBufferPointer(rebasing: from[range]), to, next: next, base: base, shift: shift)
          LargeBuffer<UInt64>.discardPages(of: from, range)
        }
      }
      sortedInScratch.toggle()
    }
    return sortedInScratch
  }

  /// One counting-sort pass: moves each element to `next[digit]++`.
  @inline(__always)
  private static func scatter(
    _ from: UnsafeBufferPointer<UInt64>, _ to: UnsafeMutableBufferPointer<UInt64>,
    next: UnsafeMutablePointer<Int>, base: UInt32, shift: Int
  ) {
    for element in from {
      let digit = (sortKey(UInt32(truncatingIfNeeded: element >> 32), base: base) >> shift) & 255
      // Bump the cursor before the store: `to` might alias `next` as far as the compiler
      // knows, and storing first forces a reload of the cursor behind the scattered store.
      let slot = next[digit]
      next[digit] = slot &+ 1
      to[slot] = element
    }
  }
}
