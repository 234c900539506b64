import Dispatch
import Synchronization

/// `(0..<count).map(body)` on up to `threads` threads; results keep index order, so the
/// output does not depend on the thread count or on scheduling.
///
/// Workers take the next unclaimed index (dynamic scheduling), which balances jobs of
/// unequal cost. The first error thrown stops the jobs not yet started and is rethrown. With
/// `threads == 1` or `count <= 1` everything runs on the calling thread.
///
///     let sizes = try orderedParallelMap(count: files.count, threads: 2) { index in
///       try Data(contentsOf: files[index]).count
///     }
///
/// - Parameters:
///   - count: The number of jobs; `body` is called once for each index in `0..<count`.
///   - threads: Threads to use (values below 1 count as 1); never more than `count`.
///   - body: The job; it may run on any thread, concurrently with other indices, so it must
///     only read shared state or write state owned by its index. Jobs are handed out in index
///     order, so a job may wait (``ResultSlots``) for the result of a lower index.
/// - Returns: `body`'s results, in index order.
/// - Throws: The first error a job throws (in time, not in index order); jobs not yet started
///   are then skipped.
public func orderedParallelMap<Result: Sendable>(
  count: Int, threads: Int, _ body: (Int) throws -> Result
) throws -> [Result] {
  let workers = min(max(threads, 1), count)
  if workers <= 1 { return try (0..<count).map(body) }
  let next = Mutex(0)
  let results = Mutex([Result?](repeating: nil, count: count))
  let failure = Mutex<(any Error)?>(nil)
  withoutActuallyEscaping(body) { body in
    // `body` runs concurrently but only reads shared immutable state; the closure type is
    // not `@Sendable` because callers pass non-Sendable closures that capture values.
    let unchecked = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        // Checked before claiming, so every claimed job runs: a job waiting for an earlier
        // one (ResultSlots) is never left waiting for a job skipped after a failure.
        guard failure.withLock({ $0 == nil }) else { return }
        let index = next.withLock { value -> Int in
          defer { value += 1 }
          return value
        }
        guard index < count else { return }
        do {
          let result = try unchecked.value(index)
          results.withLock { $0[index] = result }
        } catch {
          failure.withLock { if $0 == nil { $0 = error } }
        }
      }
    }
  }
  if let error = failure.withLock({ $0 }) { throw error }
  return results.withLock { $0.map { $0! } }
}

/// Wraps a value whose concurrent use the caller vouches for.
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
