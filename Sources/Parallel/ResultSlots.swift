import Foundation

/// Write-once slots that one job fills and other jobs wait for: the hand-over between the
/// stages of an algorithm whose jobs share one pool of workers
/// (``orderedParallelMap(count:threads:_:)``), as selective search's colour-space stages do.
///
/// ``take(_:)`` blocks until ``put(_:_:)`` has filled the slot, then returns its value or
/// rethrows its error. A slot knows how many jobs read it: the last of them empties it, so
/// the value is freed as soon as its readers are done with it. Waiting cannot deadlock as
/// long as every slot's producer was started before any job that takes from it
/// (``orderedParallelMap(count:threads:_:)`` hands out jobs in index order, so producers get
/// the lower indices).
///
///     let sums = ResultSlots<Int>(readers: [2])   // slot 0, read by two jobs
///     let results = try orderedParallelMap(count: 3, threads: 2) { job -> Int in
///       if job == 0 { sums.put(0) { (1...100).reduce(0, +) }; return 0 }
///       return try sums.take(0) * job             // jobs 1 and 2 wait for job 0
///     }
///     // results == [0, 5050, 10100]
///
/// Misuse is a programmer error and traps: a slot without readers, a slot filled twice, or
/// more reads than declared.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
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
  /// ``take(_:)``.
  ///
  /// - Parameter readers: The number of jobs that read each slot, each at least 1.
  public init(readers: [Int]) {
    precondition(readers.allSatisfy { $0 >= 1 }, "ResultSlots: a slot without readers")
    slots = Array(repeating: .empty, count: readers.count)
    unread = readers
  }

  /// Fills slot `index` with the outcome of `body` and wakes the waiting jobs.
  ///
  /// - Parameters:
  ///   - index: The slot, in `0..<readers.count`; filled at most once.
  ///   - body: Computes the value; what it throws is stored and rethrown by ``take(_:)``.
  public func put(_ index: Int, _ body: () throws -> Value) {
    let result = Result { try body() }
    condition.lock()
    guard case .empty = slots[index] else {
      preconditionFailure("ResultSlots: slot \(index) filled twice")
    }
    slots[index] = .filled(result)
    condition.broadcast()
    condition.unlock()
  }

  /// The value of slot `index`, waiting until it is filled. The slot's last reader empties it;
  /// reading an emptied slot traps.
  ///
  /// - Parameter index: The slot.
  /// - Returns: The value `put` stored.
  /// - Throws: The error the producer's `body` threw.
  public func take(_ index: Int) throws -> Value {
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
