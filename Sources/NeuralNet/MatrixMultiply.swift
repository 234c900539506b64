import COpenBLAS

/// `C = alpha * op(A) * op(B) + beta * C` for row-major Float32 matrices (OpenBLAS `sgemm`).
///
/// `op(A)` is `M x K`, `op(B)` is `K x N`, `C` is `M x N`. OpenBLAS splits the work over
/// rows and columns of `C`, never over `K`, so every output value is summed in the same
/// order whatever the thread count (tested in `ComputeThreadsTests`).
@inline(__always)
func matrixMultiply(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  guard m > 0, n > 0 else { return }
  if k == 0 {
    for row in 0..<m { for column in 0..<n { c[row * ldc + column] *= beta } }
    return
  }
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
