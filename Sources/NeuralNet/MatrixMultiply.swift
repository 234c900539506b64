import COpenBLAS

/// `C = alpha * op(A) * op(B) + beta * C` for row-major Float32 matrices (OpenBLAS `sgemm`).
///
/// `op(A)` is `M x K`, `op(B)` is `K x N`, `C` is `M x N`. OpenBLAS runs single-threaded
/// (``ComputeThreads`` parallelises over images instead), so a product of given sizes always
/// sums in the same order.
@inline(__always)
package func matrixMultiply(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  guard m > 0, n > 0 else { return }
  ComputeThreads.configureBLAS()
  if k == 0 {
    for row in 0..<m { for column in 0..<n { c[row * ldc + column] *= beta } }
    return
  }
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
