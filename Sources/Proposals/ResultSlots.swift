import Foundation

/// Write-once slots that one job fills and other jobs wait for: the hand-over between the
/// stages of ``SelectiveSearch`` when they share one pool of workers.
///
/// ``take(_:)`` blocks until ``put(_:_:)`` has filled the slot, then returns its value or
/// rethrows its error; ``remove(_:)`` does the same for a slot's only reader and frees the
/// value. Waiting cannot deadlock as long as every slot's producer was started before any
/// job that takes from it (``orderedParallelMap(count:threads:_:)`` hands out jobs in index
/// order, so producers get the lower indices).
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private enum Slot {
    case empty
    case filled(Result<Value, any Error>)
    case removed
  }

  // `@unchecked`: every access to `slots` holds `condition`'s lock.
  private let condition = NSCondition()
  private var slots: [Slot]

  /// `count` empty slots.
  init(count: Int) {
    slots = Array(repeating: .empty, count: count)
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
  func take(_ index: Int) throws -> Value {
    try wait(for: index, removing: false).get()
  }

  /// Like ``take(_:)`` for the slot's only reader: empties the slot, so the value is freed
  /// as soon as the caller is done with it. Reading the slot again traps.
  func remove(_ index: Int) throws -> Value {
    try wait(for: index, removing: true).get()
  }

  private func wait(for index: Int, removing: Bool) -> Result<Value, any Error> {
    condition.lock()
    defer { condition.unlock() }
    while true {
      switch slots[index] {
      case .empty: condition.wait()
      case .filled(let result):
        if removing { slots[index] = .removed }
        return result
      case .removed: preconditionFailure("ResultSlots: slot \(index) read after remove")
      }
    }
  }
}
