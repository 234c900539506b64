/// The unstable sort of GCC's C++ standard library (`std::sort`): introsort with a
/// median-of-three pivot, a depth limit of 2 ⌊log₂ n⌋ partitions before heapsort takes
/// over, and a final insertion sort over runs of 16.
///
/// Elements that compare equal end in the order this exact sequence of comparisons and
/// moves leaves them in, which is what OpenCV's selective search sees when it sorts its
/// edges and its region pairs (the `opencv-` presets follow it so ties resolve as in
/// OpenCV). Any other correct sort orders unequal elements the same way; only ties differ.
///
/// Elements are `UInt64` keys compared by their high 32 bits only (the low 32 bits ride along,
/// typically an index): for non-negative Floats stored as bit patterns there, this compares
/// as `<` on the Floats does.
///
///     var keys = weights.enumerated().map { UInt64($1.bitPattern) << 32 | UInt64($0) }
///     keys.withUnsafeMutableBufferPointer { IntroSort.sort($0) }
///
/// - Complexity: O(*n* log *n*) comparisons; no allocation.
package enum IntroSort {
  /// Below this many elements a range is left to the final insertion sort.
  static let threshold = 16

  /// Sorts `elements` by their high 32 bits, as `std::sort` does.
  package static func sort(_ elements: UnsafeMutableBufferPointer<UInt64>) {
    let n = elements.count
    guard n > 1 else { return }
    let depth = 2 * (Int.bitWidth - 1 - n.leadingZeroBitCount)
    loop(elements, 0, n, depth)
    if n > threshold {
      insertionSort(elements, 0, threshold)
      for i in threshold..<n { linearInsert(elements, i) }
    } else {
      insertionSort(elements, 0, n)
    }
  }

  /// Whether `a`'s high 32 bits are below `b`'s.
  @inline(__always)
  static func less(_ a: UInt64, _ b: UInt64) -> Bool { a >> 32 < b >> 32 }

  private static func loop(
    _ a: UnsafeMutableBufferPointer<UInt64>, _ first: Int, _ end: Int, _ depth: Int
  ) {
    var last = end
    var depth = depth
    while last - first > threshold {
      if depth == 0 {
        heapSort(a, first, last)
        return
      }
      depth -= 1
      let cut = partitionAroundPivot(a, first, last)
      loop(a, cut, last, depth)
      last = cut
    }
  }

  /// Moves the median of `a[first + 1]`, the middle and the last element to `first`, then
  /// partitions `first + 1 ..< last` around it; returns the cut.
  private static func partitionAroundPivot(
    _ a: UnsafeMutableBufferPointer<UInt64>, _ first: Int, _ last: Int
  ) -> Int {
    let mid = first + (last - first) / 2
    let (x, y, z) = (first + 1, mid, last - 1)
    if less(a[x], a[y]) {
      if less(a[y], a[z]) {
        a.swapAt(first, y)
      } else if less(a[x], a[z]) {
        a.swapAt(first, z)
      } else {
        a.swapAt(first, x)
      }
    } else if less(a[x], a[z]) {
      a.swapAt(first, x)
    } else if less(a[y], a[z]) {
      a.swapAt(first, z)
    } else {
      a.swapAt(first, y)
    }
    // Unguarded partition: the pivot stays at `first` and bounds both scans.
    var low = first + 1
    var high = last
    while true {
      while less(a[low], a[first]) { low += 1 }
      high -= 1
      while less(a[first], a[high]) { high -= 1 }
      if !(low < high) { return low }
      a.swapAt(low, high)
      low += 1
    }
  }

  /// Heapsort of `first ..< last`: builds a max-heap, then pops it from the back.
  private static func heapSort(
    _ a: UnsafeMutableBufferPointer<UInt64>, _ first: Int, _ last: Int
  ) {
    let length = last - first
    if length >= 2 {
      var parent = (length - 2) / 2
      while true {
        siftDown(a, first, parent, length, a[first + parent])
        if parent == 0 { break }
        parent -= 1
      }
    }
    var end = last
    while end - first > 1 {
      end -= 1
      let value = a[end]
      a[end] = a[first]
      siftDown(a, first, 0, end - first, value)
    }
  }

  /// Moves the hole at `hole` down to a leaf along the larger children, then `value` up
  /// from there (the heap adjustment of the standard library).
  private static func siftDown(
    _ a: UnsafeMutableBufferPointer<UInt64>, _ first: Int, _ start: Int, _ length: Int,
    _ value: UInt64
  ) {
    let top = start
    var hole = start
    var child = start
    while child < (length - 1) / 2 {
      child = 2 * (child + 1)
      if less(a[first + child], a[first + child - 1]) { child -= 1 }
      a[first + hole] = a[first + child]
      hole = child
    }
    if length & 1 == 0 && child == (length - 2) / 2 {
      child = 2 * (child + 1)
      a[first + hole] = a[first + child - 1]
      hole = child - 1
    }
    var parent = (hole - 1) / 2
    while hole > top && less(a[first + parent], value) {
      a[first + hole] = a[first + parent]
      hole = parent
      parent = (hole - 1) / 2
    }
    a[first + hole] = value
  }

  private static func insertionSort(
    _ a: UnsafeMutableBufferPointer<UInt64>, _ first: Int, _ last: Int
  ) {
    guard last - first > 1 else { return }
    for i in (first + 1)..<last {
      if less(a[i], a[first]) {
        let value = a[i]
        var j = i
        while j > first {
          a[j] = a[j - 1]
          j -= 1
        }
        a[first] = value
      } else {
        linearInsert(a, i)
      }
    }
  }

  /// Moves `a[index]` left past every larger element (unguarded: a smaller or equal element
  /// lies somewhere to the left).
  @inline(__always)
  private static func linearInsert(
    _ a: UnsafeMutableBufferPointer<UInt64>, _ index: Int
  ) {
    let value = a[index]
    var hole = index
    while less(value, a[hole - 1]) {
      a[hole] = a[hole - 1]
      hole -= 1
    }
    a[hole] = value
  }
}
