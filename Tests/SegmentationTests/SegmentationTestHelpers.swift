import Boxes
import Imaging

@testable import Segmentation

/// Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same pixels, as
/// `sklearn.metrics.adjusted_rand_score`.
func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
  precondition(a.count == b.count)
  var table: [Int: [Int: Int]] = [:]
  var rowSums: [Int: Int] = [:]
  var columnSums: [Int: Int] = [:]
  for (x, y) in zip(a, b) {
    table[x, default: [:]][y, default: 0] += 1
    rowSums[x, default: 0] += 1
    columnSums[y, default: 0] += 1
  }
  func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
  let index = table.values.flatMap { $0.values }.reduce(0) { $0 + pairs($1) }
  let rows = rowSums.values.reduce(0) { $0 + pairs($1) }
  let columns = columnSums.values.reduce(0) { $0 + pairs($1) }
  let expected = rows * columns / pairs(a.count)
  let maximum = (rows + columns) / 2
  if maximum == expected { return 1 }
  return (index - expected) / (maximum - expected)
}

/// A random RGB image with `blobs` flat rectangles plus uniform noise, from a seed.
func randomImage(width: Int, height: Int, seed: UInt64, blobs: Int = 4, noise: Float = 0.1) -> Image
{
  var generator = SplitMix64(seed: seed)
  var image = Image(width: width, height: height, channels: 3, repeating: 0.5)
  for _ in 0..<blobs {
    let x0 = Int.random(in: 0..<width, using: &generator)
    let y0 = Int.random(in: 0..<height, using: &generator)
    let x1 = Int.random(in: x0..<width, using: &generator) + 1
    let y1 = Int.random(in: y0..<height, using: &generator) + 1
    let colour = (0..<3).map { _ in Float(generator.nextUnitDouble()) }
    for y in y0..<y1 {
      for x in x0..<x1 { for c in 0..<3 { image[x: x, y: y, channel: c] = colour[c] } }
    }
  }
  for i in image.pixels.indices {
    let value = image.pixels[i] + noise * (Float(generator.nextUnitDouble()) - 0.5)
    image.pixels[i] = min(1, max(0, value))
  }
  return image
}

/// Region statistics recounted the slow way, one label at a time, for comparison with
/// `LabelMap.regions()`.
func bruteForceRegions(_ map: LabelMap) -> [Region] {
  (0..<map.count).map { label in
    var size = 0
    var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
    var neighbours = Set<Int>()
    for y in 0..<map.height {
      for x in 0..<map.width where map[x: x, y: y] == label {
        size += 1
        minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        for dy in -1...1 {
          for dx in -1...1 {
            let nx = x + dx, ny = y + dy
            guard nx >= 0, ny >= 0, nx < map.width, ny < map.height else { continue }
            let other = map[x: nx, y: ny]
            if other != label { neighbours.insert(other) }
          }
        }
      }
    }
    return Region(
      size: size,
      bounds: .init(x1: Float(minX), y1: Float(minY), x2: Float(maxX + 1), y2: Float(maxY + 1)),
      neighbours: neighbours.sorted())
  }
}

/// Checks the invariants every `SegmentationResult` must satisfy; returns the first
/// violation, or nil.
func segmentationInvariantViolation(_ result: SegmentationResult, width: Int, height: Int)
  -> String?
{
  let map = result.labels
  if map.width != width || map.height != height { return "size \(map.width)x\(map.height)" }
  if map.labels.count != width * height { return "\(map.labels.count) labels" }
  var seen = [Bool](repeating: false, count: map.count)
  var next: Int32 = 0
  for label in map.labels {
    guard label >= 0 && Int(label) < map.count else {
      return "label \(label) outside 0..<\(map.count)"
    }
    if !seen[Int(label)] {
      guard label == next else { return "label \(label) first appears before \(next)" }
      seen[Int(label)] = true
      next += 1
    }
  }
  if Int(next) != map.count { return "\(next) labels used of \(map.count)" }
  if result.regions != bruteForceRegions(map) { return "region statistics differ from a recount" }
  return nil
}

/// Felzenszwalb–Huttenlocher's loop written out plainly (Int(C) and k / |C| per edge,
/// checked-array union–find, then the minimum-size pass) over edges already in visiting
/// order; labels dense in raster order of first appearance. `threshold` is k in 0–255 units.
/// The reference the fast loops are compared with.
func paperLoopLabels(
  edges: [(p: Int, q: Int, weight: Float)], pixelCount n: Int, threshold: Float, minimumSize: Int
) -> [Int32] {
  var parent = Array(0..<n)
  var size = [Int](repeating: 1, count: n)
  var internalDifference = [Float](repeating: 0, count: n)
  func find(_ x: Int) -> Int {
    var x = x
    while parent[x] != x { x = parent[x] }
    return x
  }
  func join(_ a: Int, _ b: Int, _ weight: Float) {
    let (big, small) = (size[a] > size[b] || (size[a] == size[b] && a < b)) ? (a, b) : (b, a)
    parent[small] = big
    size[big] += size[small]
    internalDifference[big] = weight
  }
  let k = Double(threshold) / 255
  for (p, q, weight) in edges {
    let a = find(p), b = find(q)
    if a != b && weight <= internalDifference[a] + Float(k / Double(size[a]))
      && weight <= internalDifference[b] + Float(k / Double(size[b]))
    {
      join(a, b, weight)
    }
  }
  if minimumSize > 1 {
    for (p, q, weight) in edges {
      let a = find(p), b = find(q)
      if a != b && (size[a] < minimumSize || size[b] < minimumSize) { join(a, b, weight) }
    }
  }
  var labelOfRoot = [Int32](repeating: -1, count: n)
  var next: Int32 = 0
  return (0..<n).map { p in
    let r = find(p)
    if labelOfRoot[r] < 0 {
      labelOfRoot[r] = next
      next += 1
    }
    return labelOfRoot[r]
  }
}

/// A random segmentation case for comparisons with a reference loop: an image of random size
/// (`widths` x `heights`), a threshold in 10...400 and a minimum size in 0...30, all from
/// `seed`.
func randomFelzenszwalbCase(
  seed: UInt64, widths: ClosedRange<Int>, heights: ClosedRange<Int>
) -> (image: Image, threshold: Float, minimumSize: Int) {
  var generator = SplitMix64(seed: seed)
  let width = Int.random(in: widths, using: &generator)
  let height = Int.random(in: heights, using: &generator)
  let image = randomImage(width: width, height: height, seed: seed, noise: 0.3)
  let threshold = Float.random(in: 10...400, using: &generator)
  let minimumSize = Int.random(in: 0...30, using: &generator)
  return (image, threshold, minimumSize)
}
