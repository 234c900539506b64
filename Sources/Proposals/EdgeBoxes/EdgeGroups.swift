import Edges
import Foundation

/// Edge pixels grouped by orientation continuity, with the affinities between adjacent groups:
/// the first stage of ``EdgeBoxes``.
///
/// Pixels whose magnitude exceeds `minMagnitude` are grouped greedily: a group grows from a
/// seed pixel through 8-connected edge pixels while the sum of the orientation differences
/// along the way stays at or below `mergeThreshold`. Groups whose total magnitude is below
/// `clusterMinMagnitude` are merged into the touching group of closest mean orientation (or
/// dropped when nothing touches them). Each group has a total magnitude *m*, a
/// magnitude-weighted mean position and a mean edge orientation θ (edge tangent, modulo π).
/// Groups *i*, *j* with pixels at most 2 apart (a one-pixel gap is bridged) get the affinity `|cos(θi − θij) · cos(θj − θij)|^γ`, where θij
/// is the angle of the line joining their mean positions; affinities below 0.05 are dropped.
///
///     let map = try GradientEdgeDetector(sigma: 1, thinned: true).edges(in: image)
///     let groups = EdgeGroups(edges: map)
///     print(groups.count, groups.magnitude[0])
///
/// - Complexity: O(*P* log *P*) for *P* pixels (the log from sorting adjacent pairs).
///
/// Reference: C. L. Zitnick, P. Dollár, "Edge Boxes: Locating Object Proposals from Edges",
/// ECCV 2014, section 3.1.
public struct EdgeGroups: Sendable, Equatable {
  /// Image width in pixels.
  public let width: Int
  /// Image height in pixels.
  public let height: Int
  /// The group of each pixel, row-major; `-1` for pixels in no group.
  public internal(set) var ids: [Int32]
  /// Total edge magnitude of each group.
  public internal(set) var magnitude: [Float]
  /// Magnitude-weighted mean x of each group (pixel centres at `x + 0.5`).
  public internal(set) var meanX: [Float]
  /// Magnitude-weighted mean y of each group.
  public internal(set) var meanY: [Float]
  /// Mean edge (tangent) orientation of each group, radians in `[0, π)`.
  public internal(set) var orientation: [Float]
  /// Column and row of one pixel of each group (its first in raster order).
  public internal(set) var representative: [(x: Int32, y: Int32)]
  /// CSR offsets into ``neighbours`` and ``affinities``: group `g`'s neighbours are
  /// `neighbours[neighbourStart[g]..<neighbourStart[g + 1]]`.
  public internal(set) var neighbourStart: [Int32]
  /// Adjacent groups with a positive affinity.
  public internal(set) var neighbours: [Int32]
  /// The affinity of each entry of ``neighbours``, in `(0, 1]`.
  public internal(set) var affinities: [Float]

  /// The number of groups.
  public var count: Int { magnitude.count }

  public static func == (lhs: EdgeGroups, rhs: EdgeGroups) -> Bool {
    lhs.ids == rhs.ids && lhs.magnitude == rhs.magnitude && lhs.neighbours == rhs.neighbours
      && lhs.affinities == rhs.affinities && lhs.orientation == rhs.orientation
  }

  /// Groups the edges of `edges`.
  ///
  /// - Parameters:
  ///   - edges: A thinned edge map; `orientation` holds the gradient direction in radians
  ///     (as ``/Edges/GradientEdgeDetector`` makes it); the edge tangent is perpendicular to it.
  ///   - minMagnitude: Pixels at or below this magnitude are not edges. Default: `0.1`.
  ///   - mergeThreshold: Largest sum of orientation differences (radians) along a group.
  ///     Default: `π/2` (the paper's; OpenCV's `edgeMergeThr` 0.5 is in units of π, the same).
  ///   - clusterMinMagnitude: Groups with a smaller total magnitude are merged into a
  ///     neighbour. Default: `0.5`.
  ///   - gamma: Affinity exponent γ. Default: `2`.
  public init(
    edges: EdgeMap, minMagnitude: Float = 0.1, mergeThreshold: Float = .pi / 2,
    clusterMinMagnitude: Float = 0.5, gamma: Float = 2
  ) {
    width = edges.width
    height = edges.height
    let tangent = Self.tangents(of: edges)
    // 1. Greedy best-first growth along orientation continuity.
    let grown = Self.grow(
      Self.edgePixels(of: edges, above: minMagnitude), tangent: tangent, width: width,
      height: height, mergeThreshold: mergeThreshold)
    // 2. Weak groups merged into their most similar touching neighbour.
    let roots = Self.mergeWeakGroups(
      ids: grown.ids, groupCount: grown.count, strength: edges.strength, tangent: tangent,
      width: width, height: height, clusterMinMagnitude: clusterMinMagnitude)
    // 3. Dense labels in raster order of first pixel, and each group's statistics.
    var ids = grown.ids
    representative = Self.relabel(&ids, roots: roots, width: width)
    let statistics = Self.statistics(
      ids: ids, count: representative.count, strength: edges.strength, tangent: tangent,
      width: width)
    // 4. Affinities of touching groups.
    let links = Self.affinities(
      ids: ids, width: width, height: height, meanX: statistics.meanX, meanY: statistics.meanY,
      orientation: statistics.orientation, gamma: gamma)
    self.ids = ids
    magnitude = statistics.magnitude
    meanX = statistics.meanX
    meanY = statistics.meanY
    orientation = statistics.orientation
    neighbourStart = links.start
    neighbours = links.neighbours
    affinities = links.affinities
  }

  /// The edge tangent orientation of each pixel (gradient direction + π/2), in `[0, π)`.
  static func tangents(of edges: EdgeMap) -> [Float] {
    var tangent = [Float](repeating: 0, count: edges.width * edges.height)
    for p in tangent.indices {
      var t = edges.orientation[p] + Float.pi / 2
      t = t.truncatingRemainder(dividingBy: Float.pi)
      if t < 0 { t += Float.pi }
      if t >= Float.pi { t -= Float.pi }
      tangent[p] = t
    }
    return tangent
  }

  /// Whether each pixel is an edge: magnitude above `minMagnitude` and not on the one-pixel
  /// image border (as the authors' code).
  static func edgePixels(of edges: EdgeMap, above minMagnitude: Float) -> [Bool] {
    let w = edges.width, h = edges.height
    var isEdge = edges.strength.map { $0 > minMagnitude }
    for p in 0..<(w * h) where p % w == 0 || p % w == w - 1 || p / w == 0 || p / w == h - 1 {
      isEdge[p] = false
    }
    return isEdge
  }

  /// Groups edge pixels by greedy best-first growth along orientation continuity: from each
  /// seed (in raster order), repeatedly add the frontier pixel whose orientation is closest
  /// to the pixel that reached it, while the summed differences stay below `mergeThreshold`
  /// (the authors' code's rule; ties by discovery order).
  ///
  /// - Returns: The group of each pixel (`-1` for none) and the number of groups.
  static func grow(
    _ isEdge: [Bool], tangent: [Float], width w: Int, height h: Int, mergeThreshold: Float
  ) -> (ids: [Int32], count: Int) {
    let count = w * h
    var ids = [Int32](repeating: -1, count: count)
    var groupCount: Int32 = 0
    var frontier = FrontierHeap()
    var seen = [Int32](repeating: -1, count: count)
    for seed in 0..<count where isEdge[seed] && ids[seed] < 0 {
      let g = groupCount
      groupCount += 1
      frontier.removeAll()
      var spent: Float = 0
      var p = seed
      seen[seed] = g
      while true {
        ids[p] = g
        let x = p % w, y = p / w
        for dy in -1...1 {
          let ny = y + dy
          if ny < 0 || ny >= h { continue }
          for dx in -1...1 {
            let nx = x + dx
            if nx < 0 || nx >= w { continue }
            let q = ny * w + nx
            guard isEdge[q], ids[q] < 0, seen[q] != g else { continue }
            seen[q] = g
            frontier.push(cost: angleDifference(tangent[p], tangent[q]), pixel: q)
          }
        }
        guard let next = frontier.pop(), spent + next.cost < mergeThreshold else { break }
        spent += next.cost
        p = next.pixel
      }
    }
    return (ids, Int(groupCount))
  }

  /// Merges each group whose total magnitude is below `clusterMinMagnitude`, in id order,
  /// whole into the touching group of closest mean orientation (ties to the lower id), or
  /// drops it when nothing touches it.
  ///
  /// - Returns: For each group of `ids`, the group it ended up in, or `-1` when that was
  ///   dropped.
  static func mergeWeakGroups(
    ids: [Int32], groupCount: Int, strength: [Float], tangent: [Float], width w: Int,
    height h: Int, clusterMinMagnitude: Float
  ) -> [Int32] {
    var mass = [Float](repeating: 0, count: groupCount)
    var sin2 = [Float](repeating: 0, count: groupCount)
    var cos2 = [Float](repeating: 0, count: groupCount)
    for p in ids.indices where ids[p] >= 0 {
      let g = Int(ids[p]), m = strength[p]
      mass[g] += m
      sin2[g] += m * sin(2 * tangent[p])
      cos2[g] += m * cos(2 * tangent[p])
    }
    let pairs = adjacentPairs(ids: ids, width: w, height: h)
    var parent = (0..<groupCount).map { Int32($0) }
    func find(_ g: Int32) -> Int32 {
      var g = g
      while parent[Int(g)] != g {
        parent[Int(g)] = parent[Int(parent[Int(g)])]
        g = parent[Int(g)]
      }
      return g
    }
    var touching = [[Int32]](repeating: [], count: groupCount)
    for (a, b) in pairs {
      touching[Int(a)].append(b)
      touching[Int(b)].append(a)
    }
    var dropped = [Bool](repeating: false, count: groupCount)
    for g in 0..<groupCount where mass[g] < clusterMinMagnitude {
      let root = find(Int32(g))
      guard root == Int32(g) else { continue }
      let theta = 0.5 * atan2(sin2[g], cos2[g])
      var best: Int32 = -1
      var bestDifference = Float.infinity
      for n in touching[g] {
        let r = find(n)
        if r == root || dropped[Int(r)] { continue }
        let difference = angleDifference(theta, 0.5 * atan2(sin2[Int(r)], cos2[Int(r)]))
        if difference < bestDifference || (difference == bestDifference && r < best) {
          bestDifference = difference
          best = r
        }
      }
      if best < 0 {
        dropped[g] = true
        continue
      }
      parent[g] = best
      mass[Int(best)] += mass[g]
      sin2[Int(best)] += sin2[g]
      cos2[Int(best)] += cos2[g]
      touching[Int(best)] += touching[g]
    }
    return (0..<groupCount).map { g in
      let root = find(Int32(g))
      return dropped[Int(root)] ? -1 : root
    }
  }

  /// Relabels `ids` densely by the groups' `roots` (`-1`: dropped), in raster order of each
  /// group's first pixel.
  ///
  /// - Returns: The first pixel of each new group (its representative).
  static func relabel(
    _ ids: inout [Int32], roots: [Int32], width w: Int
  ) -> [(x: Int32, y: Int32)] {
    var newID = [Int32](repeating: -1, count: roots.count)
    var next: Int32 = 0
    var representative: [(x: Int32, y: Int32)] = []
    for p in ids.indices where ids[p] >= 0 {
      let root = roots[Int(ids[p])]
      if root < 0 {
        ids[p] = -1
        continue
      }
      if newID[Int(root)] < 0 {
        newID[Int(root)] = next
        next += 1
        representative.append((Int32(p % w), Int32(p / w)))
      }
      ids[p] = newID[Int(root)]
    }
    return representative
  }

  /// Each group's total magnitude, magnitude-weighted mean position (pixel centres at
  /// `x + 0.5`) and mean tangent orientation in `[0, π)`.
  static func statistics(
    ids: [Int32], count n: Int, strength: [Float], tangent: [Float], width w: Int
  ) -> (magnitude: [Float], meanX: [Float], meanY: [Float], orientation: [Float]) {
    var magnitude = [Float](repeating: 0, count: n)
    var sx = [Float](repeating: 0, count: n), sy = [Float](repeating: 0, count: n)
    var s2 = [Float](repeating: 0, count: n), c2 = [Float](repeating: 0, count: n)
    for p in ids.indices where ids[p] >= 0 {
      let g = Int(ids[p]), m = strength[p]
      magnitude[g] += m
      sx[g] += m * (Float(p % w) + 0.5)
      sy[g] += m * (Float(p / w) + 0.5)
      s2[g] += m * sin(2 * tangent[p])
      c2[g] += m * cos(2 * tangent[p])
    }
    var orientation = [Float](repeating: 0, count: n)
    for g in 0..<n {
      sx[g] /= magnitude[g]
      sy[g] /= magnitude[g]
      var theta = 0.5 * atan2(s2[g], c2[g])
      if theta < 0 { theta += Float.pi }
      orientation[g] = min(theta, Float.pi.nextDown)
    }
    return (magnitude, sx, sy, orientation)
  }

  /// The affinities of groups with pixels at most 2 apart, `|cos(θi − θij) · cos(θj − θij)|^γ`,
  /// those below 0.05 dropped, as CSR lists sorted by neighbour.
  static func affinities(
    ids: [Int32], width w: Int, height h: Int, meanX sx: [Float], meanY sy: [Float],
    orientation: [Float], gamma: Float
  ) -> (start: [Int32], neighbours: [Int32], affinities: [Float]) {
    var adjacency = [[(Int32, Float)]](repeating: [], count: orientation.count)
    for (a, b) in adjacentPairs(ids: ids, width: w, height: h, radius: 2) {
      let i = Int(a), j = Int(b)
      let thetaIJ = atan2(sy[j] - sy[i], sx[j] - sx[i])
      let affinity = pow(abs(cos(orientation[i] - thetaIJ) * cos(orientation[j] - thetaIJ)), gamma)
      guard affinity >= 0.05 else { continue }
      adjacency[i].append((b, affinity))
      adjacency[j].append((a, affinity))
    }
    var start: [Int32] = [0]
    var neighbours: [Int32] = [], affinities: [Float] = []
    for list in adjacency {
      for (g, a) in list.sorted(by: { $0.0 < $1.0 }) {
        neighbours.append(g)
        affinities.append(a)
      }
      start.append(Int32(neighbours.count))
    }
    return (start, neighbours, affinities)
  }

  /// The difference of two orientations modulo π, in `[0, π/2]`.
  static func angleDifference(_ a: Float, _ b: Float) -> Float {
    var d = abs(a - b).truncatingRemainder(dividingBy: Float.pi)
    if d > Float.pi / 2 { d = Float.pi - d }
    return d
  }

  /// Distinct unordered pairs `(a, b)`, `a < b`, of different groups with pixels at most
  /// `radius` apart in x and in y (radius 1: 8-adjacent).
  static func adjacentPairs(ids: [Int32], width w: Int, height h: Int, radius: Int = 1) -> [(
    Int32, Int32
  )] {
    // Forward half of the (2r + 1)² window: every unordered pixel pair is visited once.
    let offsets = (0...radius).flatMap { dy in
      (-radius...radius).compactMap { dx in dy > 0 || dx > 0 ? (dx, dy) : nil }
    }
    var keys: [UInt64] = []
    for y in 0..<h {
      for x in 0..<w {
        let g = ids[y * w + x]
        if g < 0 { continue }
        for (dx, dy) in offsets {
          let nx = x + dx, ny = y + dy
          if nx < 0 || nx >= w || ny >= h { continue }
          let o = ids[ny * w + nx]
          if o < 0 || o == g { continue }
          let (a, b) = g < o ? (g, o) : (o, g)
          keys.append(UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)))
        }
      }
    }
    keys.sort()
    var pairs: [(Int32, Int32)] = []
    var last: UInt64? = nil
    for key in keys where key != last {
      pairs.append(
        (Int32(truncatingIfNeeded: key >> 32), Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)))
      last = key
    }
    return pairs
  }
}
