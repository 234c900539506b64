import Foundation

/// Scores boxes by the EdgeBoxes objectness of Zitnick & Dollár (ECCV 2014), eq. (2)–(4).
///
/// For a box *b*, the groups that touch its one-pixel frame form the straddling set S_b; a
/// group inside the box gets the weight `w_b(s) = 1 − max_T Π a(t_j, t_j+1)` over chains of
/// affine groups from S_b to *s* (groups in S_b weigh 0), and
/// `h_b^in = (Σ_s w_b(s) m_s − Σ_{p ∈ b^in} m_p) / (2(b_w + b_h))^κ`, where b^in is the centred
/// box of half the width and height. Sums over a box use integral images: the mass of each group
/// sits at its representative pixel, and edge magnitudes are summed for the inner box; the frame
/// is walked with per-row and per-column skip lists, so a score costs O(edge pixels on the frame
/// plus the groups reached from them).
///
/// A scorer keeps scratch buffers, so it is a value to copy per thread, not to share.
struct EdgeBoxScorer {
  let groups: EdgeGroups
  let kappa: Float
  let width: Int
  let height: Int
  /// (width + 1) × (height + 1) integral of group masses at their representatives.
  private let massIntegral: [Double]
  /// (width + 1) × (height + 1) integral of grouped edge magnitudes.
  private let edgeIntegral: [Double]
  /// For pixel (x, y): the first x' ≥ x in row y on an edge group, or `width`.
  private let nextInRow: [Int32]
  /// For pixel (x, y): the first y' ≥ y in column x on an edge group, or `height`.
  private let nextInColumn: [Int32]
  private var boundaryStamp: [UInt32]
  private var visitStamp: [UInt32]
  private var reach: [Float]
  private var stamp: UInt32 = 0
  private var heap: [(value: Float, group: Int32)] = []
  private var visited: [Int32] = []

  init(groups: EdgeGroups, edges: [Float], kappa: Float) {
    self.groups = groups
    self.kappa = kappa
    let w = groups.width, h = groups.height
    width = w
    height = h
    var mass = [Double](repeating: 0, count: (w + 1) * (h + 1))
    var edge = [Double](repeating: 0, count: (w + 1) * (h + 1))
    var repMass = [Double](repeating: 0, count: w * h)
    for (g, r) in groups.representative.enumerated() {
      repMass[Int(r.y) * w + Int(r.x)] += Double(groups.magnitude[g])
    }
    for y in 0..<h {
      var rowMass = 0.0, rowEdge = 0.0
      for x in 0..<w {
        let p = y * w + x
        rowMass += repMass[p]
        if groups.ids[p] >= 0 { rowEdge += Double(edges[p]) }
        mass[(y + 1) * (w + 1) + x + 1] = mass[y * (w + 1) + x + 1] + rowMass
        edge[(y + 1) * (w + 1) + x + 1] = edge[y * (w + 1) + x + 1] + rowEdge
      }
    }
    massIntegral = mass
    edgeIntegral = edge
    var nextRow = [Int32](repeating: Int32(w), count: w * h)
    var nextColumn = [Int32](repeating: Int32(h), count: w * h)
    for y in 0..<h {
      var next = Int32(w)
      for x in stride(from: w - 1, through: 0, by: -1) {
        if groups.ids[y * w + x] >= 0 { next = Int32(x) }
        nextRow[y * w + x] = next
      }
    }
    for x in 0..<w {
      var next = Int32(h)
      for y in stride(from: h - 1, through: 0, by: -1) {
        if groups.ids[y * w + x] >= 0 { next = Int32(y) }
        nextColumn[y * w + x] = next
      }
    }
    nextInRow = nextRow
    nextInColumn = nextColumn
    boundaryStamp = [UInt32](repeating: 0, count: groups.count)
    visitStamp = [UInt32](repeating: 0, count: groups.count)
    reach = [Float](repeating: 0, count: groups.count)
  }

  @inline(__always)
  private func sum(_ integral: [Double], _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Double {
    let stride = width + 1
    return integral[(y1 + 1) * stride + x1 + 1] - integral[y0 * stride + x1 + 1]
      - integral[(y1 + 1) * stride + x0] + integral[y0 * stride + x0]
  }

  /// The score h_b^in of the box covering columns `x0...x1` and rows `y0...y1` (inclusive).
  mutating func score(x0: Int, y0: Int, x1: Int, y1: Int) -> Float {
    stamp &+= 1
    if stamp == 0 {
      for i in boundaryStamp.indices { boundaryStamp[i] = 0; visitStamp[i] = 0 }
      stamp = 1
    }
    heap.removeAll(keepingCapacity: true)
    visited.removeAll(keepingCapacity: true)
    var total = sum(massIntegral, x0, y0, x1, y1)
    let w = width
    // Straddling groups: every group with a pixel on the frame.
    @inline(__always) func mark(_ p: Int) {
      let g = Int(groups.ids[p])
      guard boundaryStamp[g] != stamp else { return }
      boundaryStamp[g] = stamp
      let r = groups.representative[g]
      if Int(r.x) >= x0 && Int(r.x) <= x1 && Int(r.y) >= y0 && Int(r.y) <= y1 {
        total -= Double(groups.magnitude[g])
      }
      heap.append((1, Int32(g)))
    }
    for y in [y0, y1] {
      var x = Int(nextInRow[y * w + x0])
      while x <= x1 {
        mark(y * w + x)
        x = x + 1 < w ? Int(nextInRow[y * w + x + 1]) : w
      }
    }
    for x in [x0, x1] {
      var y = Int(nextInColumn[y0 * w + x])
      while y <= y1 {
        mark(y * w + x)
        y = y + 1 < height ? Int(nextInColumn[(y + 1) * w + x]) : height
      }
    }
    // Best-first propagation of the largest affinity product into the box's inner groups.
    // The straddling groups all start at 1, so the initial array is already a valid heap.
    while let top = popMax() {
      let g = Int(top.group)
      if boundaryStamp[g] != stamp && (visitStamp[g] != stamp || top.value < reach[g]) { continue }
      let start = Int(groups.neighbourStart[g]), end = Int(groups.neighbourStart[g + 1])
      for k in start..<end {
        let j = Int(groups.neighbours[k])
        if boundaryStamp[j] == stamp { continue }
        let r = groups.representative[j]
        guard Int(r.x) > x0 && Int(r.x) < x1 && Int(r.y) > y0 && Int(r.y) < y1 else { continue }
        let value = top.value * groups.affinities[k]
        if visitStamp[j] != stamp {
          visitStamp[j] = stamp
          reach[j] = value
          visited.append(Int32(j))
          pushMax((value, Int32(j)))
        } else if value > reach[j] {
          reach[j] = value
          pushMax((value, Int32(j)))
        }
      }
    }
    for j in visited { total -= Double(reach[Int(j)] * groups.magnitude[Int(j)]) }
    let boxWidth = x1 - x0 + 1, boxHeight = y1 - y0 + 1
    let innerX0 = x0 + boxWidth / 4, innerY0 = y0 + boxHeight / 4
    let innerX1 = innerX0 + boxWidth / 2 - 1, innerY1 = innerY0 + boxHeight / 2 - 1
    if innerX1 >= innerX0 && innerY1 >= innerY0 {
      total -= sum(edgeIntegral, innerX0, innerY0, innerX1, innerY1)
    }
    let norm = Float(pow(Double(2 * (boxWidth + boxHeight)), Double(kappa)))
    return Float(total) / norm
  }

  private mutating func pushMax(_ item: (value: Float, group: Int32)) {
    heap.append(item)
    var i = heap.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      if heap[parent].value >= heap[i].value { break }
      heap.swapAt(parent, i)
      i = parent
    }
  }

  private mutating func popMax() -> (value: Float, group: Int32)? {
    guard let last = heap.popLast() else { return nil }
    guard !heap.isEmpty else { return last }
    let top = heap[0]
    heap[0] = last
    var i = 0
    let n = heap.count
    while true {
      let l = 2 * i + 1, r = l + 1
      var largest = i
      if l < n && heap[l].value > heap[largest].value { largest = l }
      if r < n && heap[r].value > heap[largest].value { largest = r }
      if largest == i { break }
      heap.swapAt(i, largest)
      i = largest
    }
    return top
  }
}
