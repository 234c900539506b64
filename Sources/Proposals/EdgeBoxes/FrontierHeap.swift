/// A binary min-heap of frontier pixels for ``EdgeGroups``' best-first growth, ordered by
/// cost then by insertion order (so growth is deterministic).
struct FrontierHeap {
  private var items: [(cost: Float, order: Int32, pixel: Int)] = []
  private var counter: Int32 = 0

  mutating func removeAll() {
    items.removeAll(keepingCapacity: true)
    counter = 0
  }

  private func less(_ a: Int, _ b: Int) -> Bool {
    items[a].cost < items[b].cost
      || (items[a].cost == items[b].cost && items[a].order < items[b].order)
  }

  mutating func push(cost: Float, pixel: Int) {
    items.append((cost, counter, pixel))
    counter &+= 1
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard less(i, parent) else { break }
      items.swapAt(i, parent)
      i = parent
    }
  }

  mutating func pop() -> (cost: Float, pixel: Int)? {
    guard let top = items.first else { return nil }
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1, r = l + 1
        var m = i
        if l < items.count && less(l, m) { m = l }
        if r < items.count && less(r, m) { m = r }
        if m == i { break }
        items.swapAt(i, m)
        i = m
      }
    }
    return (top.cost, top.pixel)
  }
}
