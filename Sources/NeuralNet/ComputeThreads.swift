import COpenBLAS

/// The number of threads NeuralNet's kernels use (OpenBLAS and the library's own loops).
///
/// Results do not depend on the count: matrix products split over output rows and
/// columns, and every reduction the library does itself runs in a fixed order.
///
///     ComputeThreads.setCount(1)   // single-threaded, e.g. for benchmarks
public enum ComputeThreads {
  /// Sets the OpenBLAS thread count.
  ///
  /// - Parameter count: threads, at least 1.
  public static func setCount(_ count: Int) {
    precondition(count >= 1, "ComputeThreads.setCount: \(count) < 1")
    openblas_set_num_threads(Int32(count))
  }

  /// The OpenBLAS thread count in force.
  public static var count: Int { Int(openblas_get_num_threads()) }
}
