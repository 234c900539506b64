import Foundation

/// Scores boxes by the EdgeBoxes objectness of Zitnick & Dollár (ECCV 2014), eq. (2)–(4).
///
/// For a box *b*, the groups that touch its one-pixel frame form the straddling set S_b; a
/// group inside the box gets the weight `w_b(s) = 1 − max_T Π a(t_j, t_j+1)` over chains of
/// affine groups from S_b to *s* (groups in S_b weigh 0), and
/// `h_b^in = (Σ_s w_b(s) m_s − Σ_{p ∈ b^in} m_p) / (2(b_w + b_h))^κ`, where b^in is the centred
/// box of half the width and height. Sums over a box use integral images: the mass of each group
/// sits at its representative pixel, and edge magnitudes are summed for the inner box; the frame
/// is walked with the paper's per-row and per-column lists of group runs, so a score costs
/// O(group runs on the frame plus the groups reached from them), and scoring against a
/// threshold stops as soon as the box cannot beat it.
///
/// A scorer owns scratch buffers: make one per thread, never share it.
final class EdgeBoxScorer {
  let groups: EdgeGroups
  let kappa: Float
  let width: Int
  let height: Int
  /// Affinity products below this are treated as 0.
  static let minimumReach: Float = 0.05
  /// (width + 1) × (height + 1) integral of group masses at their representatives.
  private let massIntegral: UnsafeMutableBufferPointer<Double>
  /// (width + 1) × (height + 1) integral of grouped edge magnitudes.
  private let edgeIntegral: UnsafeMutableBufferPointer<Double>
  /// The groups met along each row, one entry per run of equal ids (`-1` for gaps), rows
  /// concatenated (the paper's per-row segment lists).
  private let rowRuns: UnsafeMutableBufferPointer<Int32>
  /// For pixel (x, y), row-major: the index in ``rowRuns`` of the run holding it.
  private let rowRunIndex: UnsafeMutableBufferPointer<Int32>
  /// The groups met down each column, runs as in ``rowRuns``, columns concatenated.
  private let columnRuns: UnsafeMutableBufferPointer<Int32>
  /// For pixel (x, y), column-major (`x · height + y`): the index in ``columnRuns`` of its run.
  private let columnRunIndex: UnsafeMutableBufferPointer<Int32>
  /// `(2 · halfPerimeter)^κ` for half perimeters `0...width + height`.
  private let norms: [Float]
  /// What scoring reads of a group, in one place: representative pixel, magnitude and the
  /// range of its affinity list in ``links``.
  struct Group {
    var x: Int32, y: Int32, magnitude: Float, linkStart: Int32, linkEnd: Int32
  }
  /// An entry of a group's affinity list, with the neighbour's representative pixel, so the
  /// propagation tests whether the neighbour lies inside the box without another lookup.
  struct Link {
    var group: Int32, affinity: Float, x: Int32, y: Int32
  }
  /// A group's mark for the current box and its affinity product (see ``score``).
  struct Slot {
    var mark: UInt32, reach: Float
  }
  private let groupInfo: UnsafeMutableBufferPointer<Group>
  /// Each group's affine neighbours (from `linkStart` to `linkEnd`), by decreasing affinity, only
  /// those with affinity at least ``minimumReach`` (no chain can pass through the others).
  private let links: UnsafeMutableBufferPointer<Link>
  /// Per group, with `base = 4 · stamp`: mark `base + 1` when on the current box's frame,
  /// `base + 2` when reached and waiting in the queue, `base + 3` when reached and expanded;
  /// anything below `base` is a mark of an earlier box.
  private let slots: UnsafeMutableBufferPointer<Slot>
  /// The FIFO of groups to expand; a group waits in it at most once at a time.
  private var queue: UnsafeMutableBufferPointer<Int32>
  private let visited: UnsafeMutableBufferPointer<Int32>
  private var stamp: UInt32 = 0

  private static func buffer<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
    _ = buffer.initialize(from: values)
    return buffer
  }

  private static func buffer<T>(repeating value: T, count: Int) -> UnsafeMutableBufferPointer<T> {
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, 1))
    buffer.initialize(repeating: value)
    return buffer
  }

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
    massIntegral = Self.buffer(mass)
    edgeIntegral = Self.buffer(edge)
    var runs: [Int32] = [], runIndex = [Int32](repeating: 0, count: w * h)
    for y in 0..<h {
      for x in 0..<w {
        let g = groups.ids[y * w + x]
        if x == 0 || g != runs[runs.count - 1] { runs.append(g) }
        runIndex[y * w + x] = Int32(runs.count - 1)
      }
    }
    rowRuns = Self.buffer(runs)
    rowRunIndex = Self.buffer(runIndex)
    runs.removeAll(keepingCapacity: true)
    for x in 0..<w {
      for y in 0..<h {
        let g = groups.ids[y * w + x]
        if y == 0 || g != runs[runs.count - 1] { runs.append(g) }
        runIndex[x * h + y] = Int32(runs.count - 1)
      }
    }
    columnRuns = Self.buffer(runs)
    columnRunIndex = Self.buffer(runIndex)
    norms = (0...(w + h)).map { Float(pow(Double(2 * $0), Double(kappa))) }
    // Each group's neighbours by decreasing affinity (then id): the propagation stops at the
    // first whose product falls below `minimumReach`, as all later ones do too; neighbours
    // below it even from a frame group (product = affinity) are left out.
    var sorted: [Link] = []
    var starts: [Int32] = [0]
    sorted.reserveCapacity(groups.neighbours.count)
    starts.reserveCapacity(groups.count + 1)
    for g in 0..<groups.count {
      let range = Int(groups.neighbourStart[g])..<Int(groups.neighbourStart[g + 1])
      sorted += range.filter { groups.affinities[$0] >= Self.minimumReach }
        .map {
          let j = Int(groups.neighbours[$0])
          let r = groups.representative[j]
          return Link(group: Int32(j), affinity: groups.affinities[$0], x: r.x, y: r.y)
        }
        .sorted { $0.affinity != $1.affinity ? $0.affinity > $1.affinity : $0.group < $1.group }
      starts.append(Int32(sorted.count))
    }
    groupInfo = Self.buffer(
      (0..<groups.count).map {
        let r = groups.representative[$0]
        return Group(
          x: r.x, y: r.y, magnitude: groups.magnitude[$0], linkStart: starts[$0],
          linkEnd: starts[$0 + 1])
      })
    links = Self.buffer(sorted)
    slots = Self.buffer(repeating: Slot(mark: 0, reach: 0), count: groups.count)
    queue = Self.buffer(repeating: 0, count: 4 * groups.count + 16)
    visited = Self.buffer(repeating: 0, count: groups.count)
  }

  deinit {
    for buffer in [massIntegral, edgeIntegral] { buffer.deallocate() }
    for buffer in [
      rowRuns, rowRunIndex, columnRuns, columnRunIndex, queue, visited,
    ] {
      buffer.deallocate()
    }
    groupInfo.deallocate()
    links.deallocate()
    slots.deallocate()
  }

  /// `(2 · halfPerimeter)^κ`, from a table for perimeters up to the image's.
  @inline(__always)
  private func normalisation(_ halfPerimeter: Int) -> Float {
    halfPerimeter < norms.count
      ? norms[halfPerimeter] : Float(pow(Double(2 * halfPerimeter), Double(kappa)))
  }

  @inline(__always)
  private func sum(
    _ integral: UnsafeMutableBufferPointer<Double>, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int
  ) -> Double {
    let stride = width + 1
    return integral[(y1 + 1) * stride + x1 + 1] - integral[y0 * stride + x1 + 1]
      - integral[(y1 + 1) * stride + x0] + integral[y0 * stride + x0]
  }

  /// The score h_b^in of the box covering columns `x0...x1` and rows `y0...y1` (inclusive).
  ///
  /// When `threshold` is given and the box cannot score above it, an upper bound at or below
  /// `threshold` may be returned instead of the exact score: the mass removed so far only grows
  /// as straddling groups are found and the affinity products propagate, so the walk stops as
  /// soon as what is left cannot beat `threshold` (first with every enclosed group at full
  /// weight, then after the frame walk, then after each expanded group). Scores above
  /// `threshold` are always exact, and identical to the unthresholded score.
  func score(x0: Int, y0: Int, x1: Int, y1: Int, threshold: Float = -.infinity) -> Float {
    precondition(
      x0 >= 0 && y0 >= 0 && x1 < width && y1 < height && x0 <= x1 && y0 <= y1,
      "EdgeBoxScorer: box outside the image")
    let box = InclusiveBox(x0: x0, y0: y0, x1: x1, y1: y1)
    // 1. The bound with every enclosed group at full weight.
    let inner = innerMagnitude(box)
    let norm = Double(normalisation(box.width + box.height))
    var total = sum(massIntegral, x0, y0, x1, y1)
    let bound = Float((total - inner) / norm)
    if bound <= threshold { return bound }
    // Early exit once `total - removed - inner <= stop`: a margin far above the rounding of
    // the two summation orders keeps every exit a box whose exact score is <= threshold.
    let stop =
      threshold == -.infinity
      ? -Double.infinity : (Double(threshold) - 1e-6 * abs(Double(threshold)) - 1e-12) * norm
    let marks = nextMarks()
    // 2. The straddling groups, whose mass inside the box is removed.
    let queued = markStraddlingGroups(box, marks: marks, total: &total)
    // The walk stops once `removed >= limit`, i.e. `total - removed - inner <= stop`.
    let limit = total - inner - stop
    if limit <= 0 { return min(threshold, Float((total - inner) / norm)) }
    // 3. The affinity products propagated into the box's inner groups.
    var visitedCount = 0
    if let removed = propagate(
      box, marks: marks, queued: queued, limit: limit, visitedCount: &visitedCount)
    {
      return min(threshold, Float((total - removed - inner) / norm))
    }
    // 4. The exact score: each reached group's mass weighted by its product is removed.
    for i in 0..<visitedCount {
      let j = Int(visited[i])
      total -= Double(slots[j].reach * groupInfo[j].magnitude)
    }
    return Float((total - inner) / norm)
  }

  /// A box as inclusive pixel columns `x0...x1` and rows `y0...y1`.
  struct InclusiveBox {
    let x0: Int, y0: Int, x1: Int, y1: Int
    var width: Int { x1 - x0 + 1 }
    var height: Int { y1 - y0 + 1 }
  }

  /// The marks of the current box (see ``slots``).
  struct Marks {
    /// Marks below this belong to earlier boxes.
    let base: UInt32
    var onFrame: UInt32 { base | 1 }
    var waiting: UInt32 { base | 2 }
    var expanded: UInt32 { base | 3 }
  }

  /// The edge magnitude of the centred box of half the width and height (b^in).
  @inline(__always)
  private func innerMagnitude(_ box: InclusiveBox) -> Double {
    let innerX0 = box.x0 + box.width / 4, innerY0 = box.y0 + box.height / 4
    let innerX1 = innerX0 + box.width / 2 - 1, innerY1 = innerY0 + box.height / 2 - 1
    return innerX1 >= innerX0 && innerY1 >= innerY0
      ? sum(edgeIntegral, innerX0, innerY0, innerX1, innerY1) : 0
  }

  /// Starts a new box: the next stamp's marks (clearing the slots when the stamps run out).
  @inline(__always)
  private func nextMarks() -> Marks {
    stamp &+= 1
    if stamp >= 1 << 29 {
      slots.update(repeating: Slot(mark: 0, reach: 0))
      stamp = 1
    }
    return Marks(base: stamp << 2)
  }

  /// Marks every group with a pixel on the box's frame, run by run along each side, queues it
  /// for the propagation and removes the mass of those whose representative is inside the box
  /// from `total`, one by one.
  ///
  /// - Returns: The number of groups queued (from the start of ``queue``).
  @inline(__always)
  private func markStraddlingGroups(_ box: InclusiveBox, marks: Marks, total: inout Double) -> Int {
    let onFrame = marks.onFrame
    let (x0, y0, x1, y1) = (box.x0, box.y0, box.x1, box.y1)
    let w = width, h = height
    // Local copies, so the loops keep them in registers.
    let slots = self.slots, groupInfo = self.groupInfo, queue = self.queue
    var queued = 0
    @inline(__always) func mark(_ g: Int32) {
      let g = Int(g)
      guard g >= 0, slots[g].mark != onFrame else { return }
      slots[g].mark = onFrame
      let info = groupInfo[g]
      let rx = Int(info.x), ry = Int(info.y)
      if rx >= x0 && rx <= x1 && ry >= y0 && ry <= y1 { total -= Double(info.magnitude) }
      queue[queued] = Int32(g)
      queued += 1
    }
    @inline(__always) func walkRow(_ y: Int) {
      for i in Int(rowRunIndex[y * w + x0])...Int(rowRunIndex[y * w + x1]) { mark(rowRuns[i]) }
    }
    @inline(__always) func walkColumn(_ x: Int) {
      for i in Int(columnRunIndex[x * h + y0])...Int(columnRunIndex[x * h + y1]) {
        mark(columnRuns[i])
      }
    }
    walkRow(y0)
    walkRow(y1)
    walkColumn(x0)
    walkColumn(x1)
    return queued
  }

  /// Propagates the affinity product from the `queued` frame groups into the box's inner
  /// groups: a FIFO relaxation (a group is queued again only when its product grows after it
  /// was expanded; one waiting in the queue is expanded with its latest product), with chains
  /// below ``minimumReach`` cut off, as their weight `1 - product` is then within 5% of 1.
  /// Reached groups are listed in ``visited`` (`visitedCount` of them) with their product in
  /// ``slots``.
  ///
  /// - Returns: `nil` when the propagation is complete; otherwise Σ reach · m of the groups
  ///   reached so far, once it is at least `limit` (the box cannot beat the threshold).
  @inline(__always)
  private func propagate(
    _ box: InclusiveBox, marks: Marks, queued initialCount: Int, limit: Double,
    visitedCount: inout Int
  ) -> Double? {
    let base = marks.base, onFrame = marks.onFrame, waiting = marks.waiting
    let expanded = marks.expanded
    // Local copies, so the loops keep them in registers.
    let slots = self.slots, groupInfo = self.groupInfo, links = self.links, visited = self.visited
    var queue = self.queue
    var queued = initialCount
    // A representative strictly inside: `x0 < x < x1`, as one unsigned comparison.
    let insideX0 = box.x0 + 1, insideY0 = box.y0 + 1
    let spanX = UInt(max(0, box.x1 - box.x0 - 1)), spanY = UInt(max(0, box.y1 - box.y0 - 1))
    // `removed` tracks Σ reach · m of the groups reached so far, for the early exit only.
    var removed = 0.0
    var head = 0
    while head < queued {
      let g = Int(queue[head])
      head += 1
      var value: Float = 1
      if slots[g].mark != onFrame {
        value = slots[g].reach
        slots[g].mark = expanded
      }
      let info = groupInfo[g]
      for k in Int(info.linkStart)..<Int(info.linkEnd) {
        let link = links[k]
        let next = value * link.affinity
        if next < Self.minimumReach { break }
        guard UInt(bitPattern: Int(link.x) &- insideX0) < spanX,
          UInt(bitPattern: Int(link.y) &- insideY0) < spanY
        else { continue }
        let j = Int(link.group)
        let slot = slots[j]
        if slot.mark < base {
          slots[j] = Slot(mark: waiting, reach: next)
          removed += Double(next * groupInfo[j].magnitude)
          visited[visitedCount] = Int32(j)
          visitedCount += 1
        } else if slot.mark != onFrame && next > slot.reach {
          let magnitude = groupInfo[j].magnitude
          removed += Double(next * magnitude) - Double(slot.reach * magnitude)
          slots[j].reach = next
          if slot.mark == waiting { continue }
          slots[j].mark = waiting
        } else {
          continue
        }
        if queued == queue.count {
          growQueue()
          queue = self.queue
        }
        queue[queued] = Int32(j)
        queued += 1
      }
      if removed >= limit { return removed }
    }
    return nil
  }

  private func growQueue() {
    let larger = UnsafeMutableBufferPointer<Int32>.allocate(capacity: queue.count * 2)
    _ = larger.initialize(from: queue)
    queue.deallocate()
    queue = larger
  }
}
