import NeuralNet

/// `Gemm`: `Y = alpha * op(A) * op(B) + beta * C` with `op` an optional transpose and `C`
/// broadcast to `[M, N]` (OpenBLAS `sgemm`).
struct GemmOperator: ONNXOperator {
  var transposeA: Bool, transposeB: Bool
  var alpha: Float, beta: Float

  init(_ context: NodeContext) throws {
    try context.expectInputs(2...3)
    transposeA = try context.int("transA", default: 0) != 0
    transposeB = try context.int("transB", default: 0) != 0
    alpha = try context.float("alpha", default: 1)
    beta = try context.float("beta", default: 1)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let a = inputs.required(0), b = inputs.required(1)
    guard a.rank == 2, b.rank == 2 else {
      throw PlanningError("A \(a.shape) and B \(b.shape) must be matrices")
    }
    let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
    let n = transposeB ? b.shape[0] : b.shape[1], kB = transposeB ? b.shape[1] : b.shape[0]
    guard k == kB else {
      throw PlanningError(
        "A \(a.shape) and B \(b.shape) do not multiply (transA \(transposeA), transB \(transposeB))"
      )
    }
    _ = try CheckedShapeArithmetic.elementCount([m, n], "the output")
    var initial: [Float]?
    if let c = inputs.count > 2 ? inputs[2] : nil, beta != 0 {
      let broadcast = try Broadcast([m, n], c.shape)
      guard broadcast.shape == [m, n] else {
        throw PlanningError("C \(c.shape) does not broadcast to [\(m), \(n)]")
      }
      guard let values = c.constant else {
        throw PlanningError("its C input is computed at run time; only a constant C is supported")
      }
      var filled = [Float](repeating: 0, count: m * n)
      let zeros = [Float](repeating: 0, count: m * n)
      let scaled = values.floats.map { $0 * beta }
      zeros.withUnsafeBufferPointer { z in
        scaled.withUnsafeBufferPointer { c in
          filled.withUnsafeMutableBufferPointer { out in broadcast.apply(z, c, into: out, +) }
        }
      }
      initial = filled
    }
    let (transposeA, transposeB, alpha) = (self.transposeA, self.transposeB, self.alpha)
    return .kernel(outputs: [PlannedOutput(shape: [m, n])]) { [initial] values in
      let a = values.take(0).takeFloats(), b = values.take(1).takeFloats()
      var output = initial ?? [Float](repeating: 0, count: m * n)
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          output.withUnsafeMutableBufferPointer { c in
            matrixMultiply(
              transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
              a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!,
              ldb: transposeB ? k : n,
              beta: initial == nil ? 0 : 1, c: c.baseAddress!, ldc: n)
          }
        }
      }
      return [GraphValue(shape: [m, n], floats: output)]
    }
  }
}

/// `MatMul` with NumPy semantics: 1-D operands are promoted (and the added axis removed),
/// leading batch axes broadcast, one `sgemm` per batch matrix.
struct MatMulOperator: ONNXOperator {
  init(_ context: NodeContext) throws {
    try context.expectInputs(2...2)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let a = inputs.required(0), b = inputs.required(1)
    guard a.rank >= 1, b.rank >= 1 else {
      throw PlanningError("operands \(a.shape) and \(b.shape) must not be scalars")
    }
    let left = a.rank == 1 ? [1] + a.shape : a.shape
    let right = b.rank == 1 ? b.shape + [1] : b.shape
    let m = left[left.count - 2], k = left[left.count - 1], n = right[right.count - 1]
    guard right[right.count - 2] == k else {
      throw PlanningError("operands \(a.shape) and \(b.shape) do not multiply")
    }
    let batch = try Broadcast(Array(left.dropLast(2)), Array(right.dropLast(2)))
    let batchCount = batch.shape.reduce(1, *)
    var shape = batch.shape + [m, n]
    _ = try CheckedShapeArithmetic.elementCount(shape, "the product's shape")
    if a.rank == 1 { shape.remove(at: shape.count - 2) }
    if b.rank == 1 { shape.removeLast() }
    // The matrix index of each operand for every batch position.
    var leftIndex = [Int](repeating: 0, count: batchCount), rightIndex = leftIndex
    let leftBatch = (0..<left.dropLast(2).reduce(1, *)).map { $0 }
    let rightBatch = (0..<right.dropLast(2).reduce(1, *)).map { $0 }
    leftBatch.withUnsafeBufferPointer { l in
      rightBatch.withUnsafeBufferPointer { r in
        leftIndex.withUnsafeMutableBufferPointer { out in batch.apply(l, r, into: out) { x, _ in x }
        }
        rightIndex.withUnsafeMutableBufferPointer { out in
          batch.apply(l, r, into: out) { _, y in y }
        }
      }
    }
    let outputShape = shape
    return .kernel(outputs: [PlannedOutput(shape: outputShape)]) { [leftIndex, rightIndex] values in
      let a = values.take(0).takeFloats(), b = values.take(1).takeFloats()
      var output = [Float](repeating: 0, count: batchCount * m * n)
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          output.withUnsafeMutableBufferPointer { c in
            for item in 0..<batchCount {
              matrixMultiply(
                transposeA: false, transposeB: false, m: m, n: n, k: k,
                a: a.baseAddress! + leftIndex[item] * m * k, lda: k,
                b: b.baseAddress! + rightIndex[item] * k * n, ldb: n,
                beta: 0, c: c.baseAddress! + item * m * n, ldc: n)
            }
          }
        }
      }
      return [GraphValue(shape: outputShape, floats: output)]
    }
  }
}
