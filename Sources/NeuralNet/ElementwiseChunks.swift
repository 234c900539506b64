/// Splits `0..<count` into fixed-size blocks processed on ``ComputeThreads``.
///
/// Block boundaries do not depend on the thread count, and each block writes only its own
/// indices, so element-wise kernels give identical results for any count.
enum ElementwiseChunks {
  /// Values per block (256 Ki floats = 1 MiB).
  static let blockSize = 1 << 18

  static func forEach(count: Int, _ body: (Range<Int>) -> Void) {
    let blocks = (count + blockSize - 1) / blockSize
    ComputeThreads.forEach(blocks) { block in
      body((block * blockSize)..<min((block + 1) * blockSize, count))
    }
  }
}
