import Foundation

/// Felzenszwalb–Huttenlocher segmentation computed as OpenCV ximgproc's
/// `createGraphSegmentation()` computes it, step for step, on an 8-bit image: the input of
/// the `opencv-` selective-search presets, which must give OpenCV's regions.
///
/// The steps, each as OpenCV does them: the bytes become Float in 0–255 and are blurred by
/// a separable Gaussian (``OpenCVGaussianBlur``, reflect-101 border); each pixel gets an
/// edge to each of its 4 neighbours, up, left, down, right (every neighbouring pair
/// appears twice), weighted by the Euclidean distance of the blurred channels, summed in
/// channel order in Float; the edges are sorted by weight with the standard library's
/// introsort (``IntroSort``, so equal weights keep OpenCV's order); the merge pass joins
/// two sets when the edge is no heavier than either set's threshold, which starts at *k*
/// and becomes `weight + k / size` (Float) after each union; the minimum-size pass walks
/// the edges that did not merge, in the same order, and joins the sets of any edge one of
/// whose sets is smaller than `minimumSize`. Labels are numbered in raster order of first
/// appearance.
///
///     let labels = OpenCVGraphSegmentation(threshold: 200).segment(bytes, width: w, height: h, channels: 3)
///
/// Checked through the selective-search reference (`Fixtures/goldens/selective_search_opencv.json`),
/// whose segmentations it reproduces; measured against `cv2.ximgproc.segmentation`'s
/// `processImage` on crops of the fixtures: identical label maps.
package struct OpenCVGraphSegmentation: Sendable, Hashable {
  /// The paper's *k*, in 0–255 units.
  package var threshold: Float
  /// The pre-blur's standard deviation, in pixels (OpenCV raises values `<= 0` to 0.001).
  package var sigma: Double
  /// Sets smaller than this are joined to a neighbour in the minimum-size pass, in pixels.
  package var minimumSize: Int

  /// - Parameters:
  ///   - threshold: *k*. Default: `300` (OpenCV's).
  ///   - sigma: Pre-blur sigma. Default: `0.5` (OpenCV's; selective search sets 0.8).
  ///   - minimumSize: Smallest set size. Default: `100` (OpenCV's).
  package init(threshold: Float = 300, sigma: Double = 0.5, minimumSize: Int = 100) {
    self.threshold = threshold
    self.sigma = sigma <= 0 ? 0.001 : sigma
    self.minimumSize = minimumSize
  }

  /// The sorted edge list of an 8-bit image (`width * height * channels` interleaved
  /// bytes), which every threshold and minimum size of the same sigma can share.
  package struct Graph: Sendable {
    let width: Int
    let height: Int
    /// The edges in sorted order, each as its weight's bit pattern (high 32 bits) and its
    /// index in OpenCV's generation order (low 32 bits).
    let edges: [UInt64]
    /// The two pixels of the edge with each generation index.
    let from: [Int32]
    let to: [Int32]

    /// The weight of a sorted edge.
    @inline(__always)
    static func weight(_ edge: UInt64) -> Float {
      Float(bitPattern: UInt32(truncatingIfNeeded: edge >> 32))
    }
  }

  /// Blurs the image and builds and sorts its edges.
  package static func graph(
    _ bytes: [UInt8], width: Int, height: Int, channels: Int, sigma: Double
  ) -> Graph {
    let blurred = OpenCVGaussianBlur(sigma: sigma).apply(
      bytes.map(Float.init), width: width, height: height, channels: channels)
    let count = max(4 * width * height - 2 * width - 2 * height, 0)
    let c = channels
    var from = [Int32](repeating: 0, count: count)
    var to = [Int32](repeating: 0, count: count)
    var edges = [UInt64](repeating: 0, count: count)
    blurred.withUnsafeBufferPointer { s in
      from.withUnsafeMutableBufferPointer { from in
        to.withUnsafeMutableBufferPointer { to in
          edges.withUnsafeMutableBufferPointer { edges in
            var next = 0
            @inline(__always) func add(_ p: Int, _ q: Int) {
              var total: Float = 0
              for channel in 0..<c {
                let difference = s[p * c + channel] - s[q * c + channel]
                total += difference * difference
              }
              // Weights are >= +0, so their bit patterns order like their values.
              edges[next] = UInt64(total.squareRoot().bitPattern) << 32 | UInt64(next)
              from[next] = Int32(p)
              to[next] = Int32(q)
              next += 1
            }
            for i in 0..<height {
              for j in 0..<width {
                // Up, left, down, right: OpenCV's loop over delta -1, +1 and the two axes.
                let p = i * width + j
                if i > 0 { add(p, p - width) }
                if j > 0 { add(p, p - 1) }
                if i + 1 < height { add(p, p + width) }
                if j + 1 < width { add(p, p + 1) }
              }
            }
            precondition(next == count, "OpenCVGraphSegmentation: \(next) edges, \(count) expected")
            IntroSort.sort(edges)
          }
        }
      }
    }
    return Graph(width: width, height: height, edges: edges, from: from, to: to)
  }

  /// The labels (raster order of first appearance) and their number.
  package func segment(_ graph: Graph) -> (labels: [Int32], count: Int) {
    let n = graph.width * graph.height
    var parent = [Int32](0..<Int32(n))
    var size = [Int32](repeating: 1, count: n)
    var thresholds = [Float](repeating: threshold, count: n)
    var merged = [Bool](repeating: false, count: graph.edges.count)
    let k = threshold
    let minimumSize = Int32(clamping: self.minimumSize)
    var labels = [Int32](repeating: 0, count: n)
    var count: Int32 = 0
    parent.withUnsafeMutableBufferPointer { parent in
      size.withUnsafeMutableBufferPointer { size in
        /// The root of `p`'s set, halving the path on the way.
        @inline(__always) func find(_ p: Int32) -> Int32 {
          var current = Int(p)
          while Int(parent[current]) != current {
            let grandparent = parent[Int(parent[current])]
            parent[current] = grandparent
            current = Int(grandparent)
          }
          return Int32(current)
        }
        /// Joins two roots, the smaller set under the larger (`a` on ties); returns the root.
        @inline(__always) func join(_ a: Int32, _ b: Int32) -> Int32 {
          let (big, small) = size[Int(a)] < size[Int(b)] ? (b, a) : (a, b)
          parent[Int(small)] = big
          size[Int(big)] += size[Int(small)]
          return big
        }
        graph.edges.withUnsafeBufferPointer { edges in
          graph.from.withUnsafeBufferPointer { from in
            graph.to.withUnsafeBufferPointer { to in
              thresholds.withUnsafeMutableBufferPointer { thresholds in
                merged.withUnsafeMutableBufferPointer { merged in
                  for index in 0..<edges.count {
                    let weight = Graph.weight(edges[index])
                    let id = Int(truncatingIfNeeded: edges[index] & 0xFFFF_FFFF)
                    let a = find(from[id]), b = find(to[id])
                    guard a != b, weight <= thresholds[Int(a)], weight <= thresholds[Int(b)]
                    else { continue }
                    let root = join(a, b)
                    thresholds[Int(root)] = weight + k / Float(size[Int(root)])
                    merged[index] = true
                  }
                  for index in 0..<edges.count
                  where !merged[index] && Graph.weight(edges[index]) > 0 {
                    let id = Int(truncatingIfNeeded: edges[index] & 0xFFFF_FFFF)
                    let a = find(from[id]), b = find(to[id])
                    if a != b && (size[Int(a)] < minimumSize || size[Int(b)] < minimumSize) {
                      _ = join(a, b)
                    }
                  }
                }
              }
            }
          }
        }
        // The label of a root is kept in its (no longer needed) size slot, negated minus one.
        labels.withUnsafeMutableBufferPointer { labels in
          for p in 0..<n {
            let root = Int(find(Int32(p)))
            if size[root] > 0 {
              size[root] = -1 - count
              count += 1
            }
            labels[p] = -1 - size[root]
          }
        }
      }
    }
    return (labels, Int(count))
  }
}

/// OpenCV's `GaussianBlur(src, dst, Size(0, 0), sigma, sigma)` on a Float image, as the
/// OpenCV 5 wheels compute it: a kernel of `round(8 sigma + 1) | 1` taps (7 for sigma 0.8),
/// `exp(-x² / 2 sigma²)` normalised in Double and stored as Float; rows first, each output a
/// left-to-right chain of multiply-adds; then columns, the centre tap times the centre row
/// plus each symmetric pair's sum times its tap. Along a row of `n = width · channels`
/// values, OpenCV's vector loops decide the rounding: the first `8 ⌊n / 8⌋` values use fused
/// multiply-adds in both passes, the next 4 (when as many are left) fused in the row pass
/// only, the last `n mod 4` none. The border reflects without repeating the edge
/// (reflect-101).
///
/// Measured against `cv2.GaussianBlur` (OpenCV 5.1 wheel) on 8-bit HSV and grey crops of
/// widths 33–130: more than 99.9 % of the outputs bit-identical, the rest 1 ulp apart, all
/// among the last `n mod 4` values of a row.
package struct OpenCVGaussianBlur: Sendable {
  /// The kernel taps, centre in the middle.
  package let kernel: [Float]

  package init(sigma: Double) {
    let size = max(Int((sigma * 8 + 1).rounded(.toNearestOrEven)) | 1, 1)
    let scale = -0.5 / (sigma * sigma)
    let values = (0..<size).map { i -> Double in
      let x = Double(i) - Double(size - 1) * 0.5
      return exp(scale * x * x)
    }
    let sum = values.reduce(0, +)
    kernel = values.map { Float($0 * (1 / sum)) }
  }

  /// OpenCV's reflect-101 border: the index `p` of a line of `length` samples folded back
  /// inside it.
  @inline(__always)
  package static func reflect101(_ p: Int, _ length: Int) -> Int {
    if length == 1 { return 0 }
    var p = p
    while p < 0 || p >= length { p = p < 0 ? -p : 2 * length - 2 - p }
    return p
  }

  /// The blurred image (`width * height * channels` interleaved Float values).
  package func apply(_ samples: [Float], width: Int, height: Int, channels c: Int) -> [Float] {
    let taps = kernel.count
    let radius = taps / 2
    let rowLength = width * c
    // Values below `fusedLength` are fused in both passes, below `rowFusedLength` in the
    // row pass.
    let fusedLength = rowLength / 8 * 8
    let rowFusedLength = rowLength / 4 * 4
    // Row pass into rows of the intermediate image.
    var rows = [Float](repeating: 0, count: height * rowLength)
    let columns = (-radius..<(width + radius)).map { Self.reflect101($0, width) }
    samples.withUnsafeBufferPointer { s in
      rows.withUnsafeMutableBufferPointer { out in
        for y in 0..<height {
          let base = y * rowLength
          for x in 0..<width {
            for channel in 0..<c {
              let index = x * c + channel
              var sum = kernel[0] * s[base + columns[x] * c + channel]
              if index < rowFusedLength {
                for t in 1..<taps {
                  sum = fusedMultiplyAdd(kernel[t], s[base + columns[x + t] * c + channel], sum)
                }
              } else {
                for t in 1..<taps { sum += kernel[t] * s[base + columns[x + t] * c + channel] }
              }
              out[base + index] = sum
            }
          }
        }
      }
    }
    // Column pass: the centre tap, then each symmetric pair.
    var output = [Float](repeating: 0, count: height * rowLength)
    let lines = (-radius..<(height + radius)).map { Self.reflect101($0, height) }
    rows.withUnsafeBufferPointer { r in
      output.withUnsafeMutableBufferPointer { out in
        for y in 0..<height {
          let centre = lines[y + radius] * rowLength
          for index in 0..<rowLength {
            var sum = kernel[radius] * r[centre + index]
            for t in 1...max(radius, 1) where t <= radius {
              let pair =
                r[lines[y + radius - t] * rowLength + index]
                + r[lines[y + radius + t] * rowLength + index]
              if index < fusedLength {
                sum = fusedMultiplyAdd(kernel[radius - t], pair, sum)
              } else {
                sum += kernel[radius - t] * pair
              }
            }
            out[y * rowLength + index] = sum
          }
        }
      }
    }
    return output
  }
}

/// `a · b + c` rounded once to Float, as a fused multiply-add gives it (OpenCV's vector
/// loops fuse): the product of two Floats is exact in Double and the sum is rounded twice,
/// to Double and to Float, which differs from one rounding only when the Double sum falls
/// exactly halfway between two Floats (about one case in 2²⁹). Unlike `addingProduct`, which
/// calls libm's `fmaf` on x86-64 without FMA instructions, this compiles to a few vector
/// instructions.
@inline(__always)
package func fusedMultiplyAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
  Float(Double(a) * Double(b) + Double(c))
}
