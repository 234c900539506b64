import Foundation

/// Loads a sequence of minibatches on a background thread, at most ``depth`` ahead of the
/// consumer: training memory is bounded by `depth + 1` minibatches, not by the dataset.
///
///     let loader = PrefetchingLoader(count: batches.count) { index in
///       try loadBatch(batches[index])          // decode and resize the batch's images
///     }
///     while let batch = try loader.next() { train(on: batch) }
///
/// Batches come back in index order and are the same for any timing, so training stays
/// deterministic; the first error of `load` is thrown by ``next()`` at its batch. Dropping the
/// loader stops the background thread after the batch it is loading.
public final class PrefetchingLoader<Batch: Sendable>: @unchecked Sendable {
  /// How many batches are loaded ahead of the consumer.
  public let depth: Int
  /// The number of batches.
  public let count: Int

  /// What the loader thread shares with the consumer. The thread holds only this, never the
  /// loader, so dropping the loader runs `deinit`, which cancels the thread.
  private final class State: @unchecked Sendable {
    let condition = NSCondition()
    var ready: [Int: Result<Batch, any Error>] = [:]
    var consumed = 0
    var cancelled = false

    /// Waits until batch `index` is less than `depth` ahead of the consumer; false when
    /// cancelled.
    func waitForRoom(before index: Int, depth: Int) -> Bool {
      condition.lock()
      defer { condition.unlock() }
      while !cancelled && index - consumed >= depth { condition.wait() }
      return !cancelled
    }

    /// Stores the result of batch `index` and wakes the consumer.
    func store(_ result: Result<Batch, any Error>, at index: Int) {
      condition.lock()
      ready[index] = result
      condition.broadcast()
      condition.unlock()
    }
  }

  private let state = State()

  /// Starts loading batch 0 at once.
  ///
  /// - Parameters:
  ///   - count: The number of batches.
  ///   - depth: Batches loaded ahead of the consumer, at least 1. Default: `2`.
  ///   - load: Loads batch `index`; called on one background thread, in index order.
  public init(count: Int, depth: Int = 2, load: @escaping @Sendable (Int) throws -> Batch) {
    self.count = count
    self.depth = max(1, depth)
    let shared = state, ahead = self.depth
    let thread = Thread {
      for index in 0..<count {
        guard shared.waitForRoom(before: index, depth: ahead) else { return }
        shared.store(Result { try load(index) }, at: index)
      }
    }
    thread.name = "PrefetchingLoader"
    thread.start()
  }

  deinit {
    state.condition.lock()
    state.cancelled = true
    state.condition.broadcast()
    state.condition.unlock()
  }

  /// The next batch in order, nil after the last.
  ///
  /// - Throws: The error `load` threw for this batch.
  public func next() throws -> Batch? {
    let condition = state.condition
    condition.lock()
    guard state.consumed < count else {
      condition.unlock()
      return nil
    }
    while state.ready[state.consumed] == nil { condition.wait() }
    let result = state.ready.removeValue(forKey: state.consumed)!
    state.consumed += 1
    condition.broadcast()
    condition.unlock()
    return try result.get()
  }
}
