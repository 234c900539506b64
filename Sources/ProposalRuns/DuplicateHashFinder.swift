import Foundation
import ProposalIO

/// Finds the 64-bit values added more than once, in memory independent of how many are added:
/// values are sorted in chunks of at most `chunkCapacity`, each full chunk is written to a
/// temporary file as a sorted run, and the runs are merged at the end (an external sort).
///
///     var finder = DuplicateHashFinder(temporaryFilesNextTo: output)
///     for name in names { try finder.add(FNV1a64.hash(name)) }
///     let repeated = try finder.duplicates()
///
/// - Parameters:
///   - destination: Temporary run files are named after it, in its folder.
///   - chunkCapacity: Values held in memory (8 bytes each) before a run is written; values
///     below 1 count as 1. Default: 2²⁰ (8 MiB).
/// - Complexity: O(*n* log *n*) for *n* values; memory O(`chunkCapacity` + runs).
struct DuplicateHashFinder {
  private let destination: URL
  private let chunkCapacity: Int
  private var chunk: [UInt64] = []
  private var runs: [TemporaryFile] = []

  init(temporaryFilesNextTo destination: URL, chunkCapacity: Int = 1 << 20) {
    self.destination = destination
    self.chunkCapacity = max(1, chunkCapacity)
  }

  /// The number of sorted runs written to disk so far.
  var runCount: Int { runs.count }

  /// Adds one value.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unwritable(file:reason:)`` when a run cannot be
  ///   written.
  mutating func add(_ value: UInt64) throws {
    chunk.append(value)
    if chunk.count >= chunkCapacity { try spill() }
  }

  /// Sorts the chunk in memory and writes it as a run.
  private mutating func spill() throws {
    guard !chunk.isEmpty else { return }
    chunk.sort()
    let run = try TemporaryFile(for: destination.appendingPathExtension("hashes"))
    try chunk.withUnsafeBytes { try run.write(Data($0)) }
    runs.append(run)
    chunk.removeAll(keepingCapacity: true)
  }

  /// The values added at least twice; the run files are removed.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unreadable(file:reason:)`` or
  ///   ``/ProposalIO/ProposalIOError/unwritable(file:reason:)``.
  mutating func duplicates() throws -> Set<UInt64> {
    defer {
      for run in runs { run.discard() }
      runs = []
      chunk = []
    }
    var repeated: Set<UInt64> = []
    var previous: UInt64?
    func visit(_ value: UInt64) {
      if value == previous { repeated.insert(value) }
      previous = value
    }
    if runs.isEmpty {
      chunk.sort()
      chunk.forEach(visit)
      return repeated
    }
    try spill()
    var readers = try runs.map { try RunReader(url: $0.url) }
    // A binary min-heap of reader indices, ordered by their current value.
    var heap = readers.indices.filter { readers[$0].current != nil }
    func less(_ a: Int, _ b: Int) -> Bool {
      (readers[heap[a]].current ?? .max) < (readers[heap[b]].current ?? .max)
    }
    func siftDown(_ start: Int) {
      var parent = start
      while true {
        let left = 2 * parent + 1
        guard left < heap.count else { return }
        var child = left
        if left + 1 < heap.count && less(left + 1, left) { child = left + 1 }
        guard less(child, parent) else { return }
        heap.swapAt(child, parent)
        parent = child
      }
    }
    for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    while let top = heap.first, let value = readers[top].current {
      visit(value)
      try readers[top].advance()
      if readers[top].current == nil {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
      }
      siftDown(0)
    }
    return repeated
  }
}

/// Reads a run of little-endian 64-bit values in blocks.
private struct RunReader {
  private var values: LittleEndianFileReader<UInt64>
  /// The value at the reader's position, `nil` at the end.
  private(set) var current: UInt64?

  init(url: URL) throws {
    values = try LittleEndianFileReader(url: url, blockBytes: 8 << 13)
    try advance()
  }

  mutating func advance() throws { current = try values.next() }
}
