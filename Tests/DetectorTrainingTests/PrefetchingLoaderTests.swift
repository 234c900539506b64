import DetectorTraining
import Foundation
import Testing

/// Order, errors and the bound on batches loaded ahead of the consumer.
@Suite struct PrefetchingLoaderTests {
  @Test(arguments: [1, 2, 3, 8])
  func batchesComeInOrderForAnyDepth(depth: Int) throws {
    let loads = LoadCounter(count: 20)
    let loader = PrefetchingLoader(count: 20, depth: depth) { index in
      loads.record(index)
      // Uneven load times, so a batch could overtake another if order were not kept.
      if index % 3 == 0 { Thread.sleep(forTimeInterval: 0.001) }
      return [index, index * index]
    }
    var batches: [[Int]] = []
    while let batch = try loader.next() { batches.append(batch) }
    #expect(batches == (0..<20).map { [$0, $0 * $0] })
    #expect(loads.counts == Array(repeating: 1, count: 20))
    // After the last batch, next() keeps returning nil.
    #expect(try loader.next() == nil)
  }

  @Test func noBatchesGiveNil() throws {
    let loader = PrefetchingLoader<Int>(count: 0) { _ in
      Issue.record("load called without batches")
      return 0
    }
    #expect(try loader.next() == nil)
  }

  /// An error of `load` is thrown by `next()` at its batch; earlier batches arrive intact.
  @Test func loadErrorsAreThrownAtTheirBatch() throws {
    struct Broken: Error, Equatable { var index: Int }
    let loader = PrefetchingLoader(count: 6, depth: 2) { index in
      if index == 3 { throw Broken(index: index) }
      return index
    }
    for expected in 0..<3 { #expect(try loader.next() == expected) }
    #expect(throws: Broken(index: 3)) { _ = try loader.next() }
    // The batches after a failed one are still loaded and delivered.
    #expect(try loader.next() == 4)
    #expect(try loader.next() == 5)
    #expect(try loader.next() == nil)
  }

  /// While the consumer waits, the loader runs at most `depth` batches ahead: at most
  /// `depth + 1` loads have started before the consumer has taken one batch (the one it takes
  /// and `depth` more), and given time it does fill that window.
  @Test(arguments: [1, 2, 4])
  func loadsAtMostDepthBatchesAhead(depth: Int) throws {
    let loads = LoadCounter(count: 12)
    let loader = PrefetchingLoader(count: 12, depth: depth) { index in
      loads.record(index)
      return index
    }
    #expect(Self.eventually { loads.total == depth })
    Thread.sleep(forTimeInterval: 0.03)
    #expect(loads.total == depth, "\(loads.total) loads before any was taken, depth \(depth)")
    for taken in 1...6 {
      #expect(try loader.next() == taken - 1)
      let window = min(12, taken + depth)
      #expect(Self.eventually { loads.total == window })
      Thread.sleep(forTimeInterval: 0.02)
      #expect(loads.total == window, "\(loads.total) loads after \(taken) taken, depth \(depth)")
    }
  }

  /// Dropping a loader before its last batch stops its thread: the loader is freed and no
  /// more loads start.
  @Test func droppingTheLoaderStopsItsThread() throws {
    let loads = LoadCounter(count: 100)
    weak var dropped: PrefetchingLoader<Int>?
    do {
      let loader = PrefetchingLoader(count: 100, depth: 2) { index in
        loads.record(index)
        return index
      }
      dropped = loader
      #expect(try loader.next() == 0)
      #expect(Self.eventually { loads.total == 3 })
    }
    #expect(Self.eventually { dropped == nil }, "the loader's thread keeps it alive")
    let afterDrop = loads.total
    Thread.sleep(forTimeInterval: 0.05)
    #expect(loads.total == afterDrop && afterDrop <= 4)
  }

  /// Polls `condition` every millisecond for up to two seconds (the loader's thread may be
  /// slow to run on a busy machine).
  static func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(2)
    while Date() < deadline {
      if condition() { return true }
      Thread.sleep(forTimeInterval: 0.001)
    }
    return condition()
  }
}
