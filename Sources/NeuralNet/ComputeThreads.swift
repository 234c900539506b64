import COpenBLAS
import Dispatch
import Synchronization

/// The number of threads NeuralNet's kernels use.
///
/// The library splits work over independent items (the images of a batch) on its own
/// threads and always runs OpenBLAS single-threaded, because OpenBLAS's threaded `sgemm`
/// does not give bit-identical sums for different thread counts. Every reduction across
/// items (a convolution's weight gradient over the batch) is then summed in item order,
/// so results are identical whatever the count (tested in `ComputeThreadsTests`).
///
///     try ComputeThreads.setCount(2)
public enum ComputeThreads {
  private static let storage = Atomic<Int>(1)
  private static let blasConfigured: Bool = {
    openblas_set_num_threads(1)
    return true
  }()

  /// Sets the number of threads.
  ///
  /// - Parameter count: threads, at least 1. Default before any call: 1.
  /// - Throws: ``NeuralNetError/invalidParameter(type:field:value:expected:)`` naming `count`
  ///   when it is below 1; the count in force is then unchanged.
  public static func setCount(_ count: Int) throws(NeuralNetError) {
    guard count >= 1 else {
      throw .invalidParameter(
        type: "ComputeThreads", field: "count", value: "\(count)", expected: "at least 1")
    }
    _ = blasConfigured
    storage.store(count, ordering: .relaxed)
  }

  /// The thread count in force.
  public static var count: Int { storage.load(ordering: .relaxed) }

  /// Makes sure OpenBLAS runs single-threaded (once per process).
  @inline(__always) static func configureBLAS() {
    _ = blasConfigured
  }

  /// Runs `body` for every index in `0..<items`, in contiguous chunks on up to ``count``
  /// threads. `body` must only write state owned by its index.
  package static func forEach(_ items: Int, _ body: (Int) -> Void) {
    _ = blasConfigured
    let chunks = min(count, items)
    if chunks <= 1 {
      for item in 0..<items { body(item) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let box = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        for item in (chunk * items / chunks)..<((chunk + 1) * items / chunks) { box.value(item) }
      }
    }
  }
}

/// Wraps a value whose thread safety the caller guarantees (disjoint writes per item).
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
