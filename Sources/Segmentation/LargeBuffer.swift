import CPrefetch
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Uninitialised storage for many trivial elements (edges, union–find nodes), backed by
/// transparent huge pages where the system offers them, and recycled between calls.
///
/// Felzenszwalb segmentation of one 640x480 image touches about 25 MB of fresh memory per
/// call; with 4 KiB pages that is 6,400 page faults, which on the benchmark machine cost
/// about a quarter of the segmentation's CPU time (kernel time, measured with `perf stat`),
/// and the random accesses of the merge pass miss the TLB. Buffers of ``hugePageThreshold``
/// to ``hugePageLimit`` bytes are therefore mapped directly (`mmap`), aligned to 2 MiB and
/// marked `MADV_HUGEPAGE`, so the kernel backs them with 2 MiB pages when it can (one fault
/// and one clear per 2 MiB). Released mappings go to a process-wide pool of at most
/// ``poolLimit`` bytes, from which later buffers of at most the same size are taken, so
/// segmenting a series of images clears no pages after the first; larger mappings are
/// unmapped. Smaller and larger buffers, and systems without `mmap`, use the ordinary
/// allocator. Allocating or freeing a buffer above ``hugePageLimit`` empties the pool: the
/// work is then a large image (12 megapixels and more, or 3 with selective search's edges),
/// whose pooled mid-size buffers save little time and would add their resident pages to its
/// peak memory (up to ``poolLimit``, 20 bytes per pixel at 3 megapixels).
///
/// `Element` must be a trivial type (no references): elements are never deinitialised.
final class LargeBuffer<Element>: RandomAccessCollection, @unchecked Sendable {
  /// Number of elements.
  let count: Int
  /// The storage, `count` elements, uninitialised until written.
  let base: UnsafeMutablePointer<Element>
  /// The mapping to recycle, or `nil` for allocator memory.
  private let mapping: Mapping?

  /// Buffers of at least this many bytes are mapped with huge pages (1 MiB: one 2 MiB
  /// page is cheaper to clear than 256 faults of 4 KiB pages on the benchmark machine).
  static var hugePageThreshold: Int { 1 << 20 }

  /// Larger buffers use the ordinary allocator (32 MiB): on the benchmark machine, faulting
  /// hundreds of MB of huge pages cost three times the kernel time of 4 KiB pages (12
  /// megapixels: 3.4 s against 1.1 s), while up to tens of MB they cost a fifth.
  static var hugePageLimit: Int { 32 << 20 }

  /// The most bytes of released mappings kept for reuse (64 MiB, about two 640x480
  /// segmentations' worth).
  static var poolLimit: Int { 64 << 20 }

  /// Allocates room for `count` elements, uninitialised.
  init(uninitializedCount count: Int) {
    precondition(count >= 0, "LargeBuffer: negative count \(count)")
    precondition(_isPOD(Element.self), "LargeBuffer: \(Element.self) is not trivial")
    self.count = count
    let bytes = count * MemoryLayout<Element>.stride
    if bytes >= Self.hugePageThreshold, bytes <= Self.hugePageLimit,
      let mapping = Mapping.make(bytes: bytes)
    {
      self.mapping = mapping
      base = UnsafeMutableRawPointer(bitPattern: mapping.start)!
        .bindMemory(to: Element.self, capacity: count)
      return
    }
    mapping = nil
    base = .allocate(capacity: Swift.max(count, 1))
    if bytes > Self.hugePageLimit { Mapping.emptyPool() }
  }

  deinit {
    if let mapping {
      mapping.release()
    } else {
      base.deallocate()
      if count * MemoryLayout<Element>.stride > Self.hugePageLimit { Mapping.emptyPool() }
    }
  }

  /// Whether ``discardPages(of:)`` returns memory to the system: for buffers from the
  /// ordinary allocator above ``hugePageLimit`` (huge-page mappings keep their pages, which
  /// their next user in the pool would fault in again).
  var discardsPages: Bool {
    mapping == nil && count * MemoryLayout<Element>.stride > Self.hugePageLimit
  }

  /// Gives the whole pages inside `range` of `buffer` back to the system (`MADV_DONTNEED`):
  /// their elements become undefined (zero) and no longer count as resident until written
  /// again. For a pass that reads a large buffer once and will not read it again.
  static func discardPages(of buffer: UnsafeMutableBufferPointer<Element>, _ range: Range<Int>) {
    #if canImport(Glibc)
      guard let base = buffer.baseAddress, !range.isEmpty else { return }
      let page = 4096
      let start = Int(bitPattern: base + range.lowerBound)
      let end = Int(bitPattern: base + range.upperBound)
      let first = (start + page - 1) / page * page
      let last = end / page * page
      guard last > first else { return }
      _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED)
    #endif
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

/// A 2 MiB-aligned anonymous mapping for ``LargeBuffer``, as plain integers (addresses) so
/// that the pool is `Sendable`.
private struct Mapping: Sendable {
  /// The address `mmap` returned and the mapped length, for `munmap`.
  var address: Int
  var length: Int
  /// The first 2 MiB boundary in the mapping and the usable bytes from there.
  var start: Int
  var capacity: Int

  static let hugePage = 2 << 20

  /// Released mappings, reused smallest-fit first.
  static let pool = Mutex<[Mapping]>([])

  /// A pooled mapping of at least `bytes` usable bytes, or a new one; `nil` when `mmap`
  /// fails or is unavailable.
  static func make(bytes: Int) -> Mapping? {
    let reused: Mapping? = pool.withLock { pool in
      var best: Int?
      for (index, candidate) in pool.enumerated() where candidate.capacity >= bytes {
        if best.map({ candidate.capacity < pool[$0].capacity }) ?? true { best = index }
      }
      return best.map { pool.remove(at: $0) }
    }
    if let reused { return reused }
    #if canImport(Glibc)
      let length = (bytes + 2 * hugePage - 1) / hugePage * hugePage
      guard
        let pointer = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        pointer != MAP_FAILED
      else { return nil }
      let address = Int(bitPattern: pointer)
      let start = (address + hugePage - 1) / hugePage * hugePage
      let capacity = length - (start - address)
      _ = madvise(UnsafeMutableRawPointer(bitPattern: start), capacity, MADV_HUGEPAGE)
      return Mapping(address: address, length: length, start: start, capacity: capacity)
    #else
      return nil
    #endif
  }

  /// Unmaps every pooled mapping, and gives the allocator's free memory back to the system
  /// (`malloc_trim`): glibc raises its threshold for mapping allocations to the size of each
  /// mapped block freed, so after the first large arrays of a large image its per-pixel
  /// arrays come from the heap, whose freed chunks stay resident.
  static func emptyPool() {
    let evicted = pool.withLock { pool in
      defer { pool = [] }
      return pool
    }
    #if canImport(Glibc)
      for mapping in evicted {
        munmap(UnsafeMutableRawPointer(bitPattern: mapping.address), mapping.length)
      }
      regionkit_malloc_trim()
    #endif
  }

  /// Returns the mapping to the pool; while the pool holds more than
  /// ``LargeBuffer/poolLimit`` bytes, unmaps its smallest mapping (larger ones serve more
  /// requests).
  func release() {
    let evicted: [Mapping] = Mapping.pool.withLock { pool in
      pool.append(self)
      pool.sort { $0.capacity > $1.capacity }
      var pooled = pool.reduce(0) { $0 + $1.length }
      var evicted: [Mapping] = []
      while pooled > LargeBuffer<UInt8>.poolLimit, let smallest = pool.popLast() {
        pooled -= smallest.length
        evicted.append(smallest)
      }
      return evicted
    }
    #if canImport(Glibc)
      for mapping in evicted {
        munmap(UnsafeMutableRawPointer(bitPattern: mapping.address), mapping.length)
      }
    #endif
  }
}
