#if canImport(Glibc)
  import Glibc
#endif

/// Uninitialised storage for many trivial elements (edges, union–find nodes), backed by
/// transparent huge pages where the system offers them.
///
/// Felzenszwalb segmentation of one 640x480 image touches about 25 MB of fresh memory per
/// call; with 4 KiB pages that is 6,400 page faults, which on the benchmark machine cost
/// about a third of the segmentation's CPU time (kernel time, measured with `perf stat`),
/// and the random accesses of the merge pass miss the TLB. Buffers of at least
/// ``hugePageThreshold`` bytes are therefore mapped directly (`mmap`), aligned to 2 MiB and
/// marked `MADV_HUGEPAGE`, so the kernel backs them with 2 MiB pages when it can (one fault
/// per 2 MiB); smaller buffers, and systems without `mmap`, use the ordinary allocator. The
/// memory is returned when the buffer is released.
///
/// `Element` must be a trivial type (no references): elements are never deinitialised.
final class LargeBuffer<Element>: RandomAccessCollection, @unchecked Sendable {
  /// Number of elements.
  let count: Int
  /// The storage, `count` elements, uninitialised until written.
  let base: UnsafeMutablePointer<Element>
  /// The mapping to release, or `nil` for allocator memory.
  private let mapping: (address: UnsafeMutableRawPointer, length: Int)?

  /// Buffers of at least this many bytes are mapped with huge pages (1 MiB: one 2 MiB
  /// page is cheaper to clear than 256 faults of 4 KiB pages on the benchmark machine).
  static var hugePageThreshold: Int { 1 << 20 }

  /// Allocates room for `count` elements, uninitialised.
  init(uninitializedCount count: Int) {
    precondition(count >= 0, "LargeBuffer: negative count \(count)")
    precondition(_isPOD(Element.self), "LargeBuffer: \(Element.self) is not trivial")
    self.count = count
    let bytes = count * MemoryLayout<Element>.stride
    #if canImport(Glibc)
      if bytes >= Self.hugePageThreshold {
        let huge = 2 << 20
        let length = (bytes + 2 * huge - 1) / huge * huge
        if let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          address != MAP_FAILED
        {
          let aligned = (Int(bitPattern: address) + huge - 1) / huge * huge
          let start = UnsafeMutableRawPointer(bitPattern: aligned)!
          _ = madvise(start, length - (aligned - Int(bitPattern: address)), MADV_HUGEPAGE)
          mapping = (address, length)
          base = start.bindMemory(to: Element.self, capacity: count)
          return
        }
      }
    #endif
    mapping = nil
    base = .allocate(capacity: Swift.max(count, 1))
  }

  deinit {
    #if canImport(Glibc)
      if let mapping {
        munmap(mapping.address, mapping.length)
        return
      }
    #endif
    base.deallocate()
  }

  /// The elements as a buffer.
  var buffer: UnsafeMutableBufferPointer<Element> {
    UnsafeMutableBufferPointer(start: base, count: count)
  }

  /// Calls `body` with the elements, keeping the storage alive meanwhile.
  func withUnsafeBufferPointer<Result>(
    _ body: (UnsafeBufferPointer<Element>) throws -> Result
  ) rethrows -> Result {
    try withExtendedLifetime(self) { try body(UnsafeBufferPointer(buffer)) }
  }

  var startIndex: Int { 0 }
  var endIndex: Int { count }

  /// The element at `index` (written before).
  subscript(index: Int) -> Element {
    precondition(index >= 0 && index < count, "LargeBuffer: index \(index) outside 0..<\(count)")
    return base[index]
  }
}
