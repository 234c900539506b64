import Foundation

/// Write-once slots that one job fills and other jobs wait for: the hand-over between the
/// stages of ``SelectiveSearch`` when they share one pool of workers.
///
/// ``take(_:)`` blocks until ``put(_:_:)`` has filled the slot, then returns its value or
/// rethrows its error. A slot knows how many jobs read it: the last of them empties it, so
/// the value is freed as soon as its readers are done with it. Waiting cannot deadlock as
/// long as every slot's producer was started before any job that takes from it
/// (``orderedParallelMap(count:threads:_:)`` hands out jobs in index order, so producers get
/// the lower indices).
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private enum Slot {
    case empty
    case filled(Result<Value, any Error>)
    case emptied
  }

  // `@unchecked`: every access to `slots` and `unread` holds `condition`'s lock.
  private let condition = NSCondition()
  private var slots: [Slot]
  private var unread: [Int]

  /// One empty slot per element of `readers`: slot `i` is emptied by its `readers[i]`-th
  /// ``take(_:)`` (each at least 1).
  init(readers: [Int]) {
    precondition(readers.allSatisfy { $0 >= 1 }, "ResultSlots: a slot without readers")
    slots = Array(repeating: .empty, count: readers.count)
    unread = readers
  }

  /// Fills slot `index` with the outcome of `body` and wakes the waiting jobs.
  func put(_ index: Int, _ body: () throws -> Value) {
    let result = Result { try body() }
    condition.lock()
    guard case .empty = slots[index] else {
      preconditionFailure("ResultSlots: slot \(index) filled twice")
    }
    slots[index] = .filled(result)
    condition.broadcast()
    condition.unlock()
  }

  /// The value of slot `index`, waiting until it is filled; rethrows the producer's error.
  /// The slot's last reader empties it; reading an emptied slot traps.
  func take(_ index: Int) throws -> Value {
    condition.lock()
    defer { condition.unlock() }
    while true {
      switch slots[index] {
      case .empty: condition.wait()
      case .filled(let result):
        unread[index] -= 1
        if unread[index] == 0 { slots[index] = .emptied }
        return try result.get()
      case .emptied: preconditionFailure("ResultSlots: slot \(index) read by more than its readers")
      }
    }
  }
}
