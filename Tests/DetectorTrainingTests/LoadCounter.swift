import Synchronization

/// Counts calls per index from any thread (loader and parallel-map tests).
final class LoadCounter: Sendable {
  private let storage: Mutex<[Int]>

  init(count: Int) { storage = Mutex(Array(repeating: 0, count: count)) }

  /// Notes one call for `index`.
  func record(_ index: Int) { storage.withLock { $0[index] += 1 } }

  /// Calls so far, by index.
  var counts: [Int] { storage.withLock { $0 } }

  /// Total calls so far.
  var total: Int { counts.reduce(0, +) }
}
