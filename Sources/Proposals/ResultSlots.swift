import Foundation

/// Write-once slots that one job fills and other jobs wait for: the hand-over between the
/// two stages of ``SelectiveSearch`` when they share one pool of workers.
///
/// ``take(_:)`` blocks until ``put(_:_:)`` has filled the slot, then returns its value or
/// rethrows its error. Waiting cannot deadlock as long as every slot's producer was started
/// before any job that takes from it (``orderedParallelMap(count:threads:_:)`` hands out
/// jobs in index order, so producers get the lower indices).
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  // `@unchecked`: every access to `results` holds `condition`'s lock.
  private let condition = NSCondition()
  private var results: [Result<Value, any Error>?]

  /// `count` empty slots.
  init(count: Int) {
    results = Array(repeating: nil, count: count)
  }

  /// Fills slot `index` with the outcome of `body` and wakes the waiting jobs.
  func put(_ index: Int, _ body: () throws -> Value) {
    let result = Result { try body() }
    condition.lock()
    precondition(results[index] == nil, "ResultSlots: slot \(index) filled twice")
    results[index] = result
    condition.broadcast()
    condition.unlock()
  }

  /// The value of slot `index`, waiting until it is filled; rethrows the producer's error.
  func take(_ index: Int) throws -> Value {
    condition.lock()
    while results[index] == nil { condition.wait() }
    let result = results[index]!
    condition.unlock()
    return try result.get()
  }
}
