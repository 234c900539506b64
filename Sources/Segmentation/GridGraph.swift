import Imaging

/// The 8-connected pixel graph of an image with edges sorted by colour distance, the input
/// of Felzenszwalb–Huttenlocher segmentation.
///
/// Each pixel `p` at `(x, y)` owns up to four edges, towards `(x+1, y)`, `(x, y+1)`,
/// `(x+1, y+1)` and `(x+1, y-1)` (scikit-image's order); edge id `4p + d` names the edge in
/// direction `d`. An edge is packed as `weight.bitPattern << 32 | id`: weights are
/// non-negative floats, whose bit patterns order like their values, so the packed values
/// order by weight and then by id.
///
/// Sorting is a counting sort on a monotone bucket key (the top bits of the weight's bit
/// pattern: 2048 buckets per octave above 2⁻²⁰, one bucket below) followed by a sort
/// within each bucket, so it is exact, deterministic and O(*E*) for the usual spread of
/// weights.
struct GridGraph {
  let width: Int
  let height: Int
  /// Packed edges in non-decreasing weight order, ties by id.
  let sortedEdges: [UInt64]

  /// Pixel index offset of the neighbour in direction `d`.
  let neighbourOffsets: [Int]

  /// Builds and sorts the graph of `image` (any channel count), weights = Euclidean
  /// distance between the pixels' channel vectors.
  init(image: Image) {
    width = image.width
    height = image.height
    let w = width, h = height, c = image.channels
    neighbourOffsets = [1, w, w + 1, 1 - w]
    let n = w * h
    // Weights of every slot 4p + d; -1 marks a slot whose neighbour is outside.
    var weights = [Float](repeating: -1, count: 4 * n)
    image.pixels.withUnsafeBufferPointer { source in
      weights.withUnsafeMutableBufferPointer { weight in
        GridGraph.fillWeights(source, weight, width: w, height: h, channels: c)
      }
    }
    sortedEdges = GridGraph.sortedPacked(weights: weights)
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

  private static func fillWeights(
    _ s: UnsafeBufferPointer<Float>, _ weight: UnsafeMutableBufferPointer<Float>,
    width w: Int, height h: Int, channels c: Int
  ) {
    for y in 0..<h {
      for x in 0..<w {
        let p = y * w + x
        let a = p * c
        if x + 1 < w {
          weight[4 * p] = distance(s, a, a + c, channels: c)
          if y + 1 < h { weight[4 * p + 2] = distance(s, a, a + (w + 1) * c, channels: c) }
          if y > 0 { weight[4 * p + 3] = distance(s, a, a - (w - 1) * c, channels: c) }
        }
        if y + 1 < h { weight[4 * p + 1] = distance(s, a, a + w * c, channels: c) }
      }
    }
  }

  /// Bit pattern of 2⁻²⁰: weights below it share bucket 0.
  private static let bucketBase: UInt32 = (127 - 20) << 23
  /// Mantissa bits dropped by the bucket key (23 - 12 = 11 kept: 2048 buckets per octave).
  private static let bucketShift: UInt32 = 12

  @inline(__always)
  private static func bucket(_ bits: UInt32) -> Int {
    bits < bucketBase ? 0 : Int((bits - bucketBase) >> bucketShift) + 1
  }

  /// Counting sort of the valid slots by bucket (ids ascending within a bucket), then an
  /// exact sort inside each bucket.
  private static func sortedPacked(weights: [Float]) -> [UInt64] {
    weights.withUnsafeBufferPointer { weight in
      var maxBits: UInt32 = 0
      var valid = 0
      for value in weight where value >= 0 {
        valid += 1
        maxBits = max(maxBits, value.bitPattern)
      }
      let bucketCount = bucket(maxBits) + 1
      var starts = [Int](repeating: 0, count: bucketCount + 1)
      starts.withUnsafeMutableBufferPointer { starts in
        for value in weight where value >= 0 { starts[bucket(value.bitPattern) + 1] += 1 }
        for b in 0..<bucketCount { starts[b + 1] += starts[b] }
      }
      return [UInt64](unsafeUninitializedCapacity: valid) { sorted, initialized in
        starts.withUnsafeMutableBufferPointer { next in
          for id in 0..<weight.count {
            let value = weight[id]
            if value < 0 { continue }
            let bits = value.bitPattern
            let b = bucket(bits)
            sorted[next[b]] = UInt64(bits) << 32 | UInt64(id)
            next[b] += 1
          }
          // `next[b]` is now the end of bucket b, which is where bucket b + 1 starts.
          var start = 0
          for b in 0..<bucketCount {
            let end = next[b]
            if end - start > 1 { sortRange(sorted, start, end) }
            start = end
          }
        }
        initialized = valid
      }
    }
  }

  /// Sorts `buffer[start..<end]`; insertion sort for short runs (which arrive nearly
  /// sorted), the standard library's sort otherwise. Keys are distinct, so the result does
  /// not depend on the algorithm's stability.
  private static func sortRange(_ buffer: UnsafeMutableBufferPointer<UInt64>, _ start: Int, _ end: Int) {
    if end - start <= 24 {
      for i in (start + 1)..<end {
        let key = buffer[i]
        var j = i - 1
        while j >= start && buffer[j] > key {
          buffer[j + 1] = buffer[j]
          j -= 1
        }
        buffer[j + 1] = key
      }
    } else {
      buffer[start..<end].sort()
    }
  }
}
