/// Copies a strided, possibly permuted and out-of-range view of a tensor: the shared kernel of
/// `Transpose`, `Slice` and `Pad`.
///
/// Output axis `d` reads source axis `axes[d]` at coordinate `starts[d] + i * steps[d]`;
/// coordinates outside the source read `fill`.
struct AffineGather: Sendable {
  var sourceShape: [Int]
  var outputShape: [Int]
  var axes: [Int]
  var starts: [Int]
  var steps: [Int]

  /// The identity mapping of `shape` with per-axis starts and steps.
  init(sourceShape: [Int], outputShape: [Int], starts: [Int], steps: [Int]) {
    self.init(
      sourceShape: sourceShape, outputShape: outputShape, axes: Array(sourceShape.indices),
      starts: starts, steps: steps)
  }

  init(sourceShape: [Int], outputShape: [Int], axes: [Int], starts: [Int], steps: [Int]) {
    self.sourceShape = sourceShape
    self.outputShape = outputShape
    self.axes = axes
    self.starts = starts
    self.steps = steps
  }

  func apply<T>(_ source: [T], fill: T) -> [T] {
    let count = outputShape.reduce(1, *)
    guard count > 0 else { return [] }
    var sourceStrides = [Int](repeating: 1, count: sourceShape.count)
    for axis in sourceShape.indices.dropLast().reversed() {
      sourceStrides[axis] = sourceStrides[axis + 1] * sourceShape[axis + 1]
    }
    let rank = outputShape.count
    if rank == 0 { return [source[0]] }
    var output = [T](repeating: fill, count: count)
    let inner = rank - 1
    let innerCount = outputShape[inner]
    let innerAxis = axes[inner]
    let innerStride = sourceStrides[innerAxis] * steps[inner]
    var index = [Int](repeating: 0, count: rank)
    var position = 0
    output.withUnsafeMutableBufferPointer { out in
      source.withUnsafeBufferPointer { x in
        while position < count {
          // Source offset of this row and whether its outer coordinates are in range.
          var offset = 0
          var inside = true
          for d in 0..<inner {
            let coordinate = starts[d] + index[d] * steps[d]
            if coordinate < 0 || coordinate >= sourceShape[axes[d]] {
              inside = false
              break
            }
            offset += coordinate * sourceStrides[axes[d]]
          }
          if inside {
            let limit = sourceShape[innerAxis]
            var coordinate = starts[inner]
            var sourceOffset = offset + coordinate * sourceStrides[innerAxis]
            for k in 0..<innerCount {
              if coordinate >= 0 && coordinate < limit { out[position + k] = x[sourceOffset] }
              coordinate += steps[inner]
              sourceOffset += innerStride
            }
          }
          position += innerCount
          var d = inner - 1
          while d >= 0 {
            index[d] += 1
            if index[d] < outputShape[d] { break }
            index[d] = 0
            d -= 1
          }
        }
      }
    }
    return output
  }

  /// Applies the mapping to either kind of storage.
  func apply(_ value: GraphValue, fill: Float = 0) -> GraphValue {
    switch value.storage {
    case .float(let values): GraphValue(shape: outputShape, floats: apply(values, fill: fill))
    case .integer(let values):
      GraphValue(shape: outputShape, integers: apply(values, fill: Int64(fill)))
    }
  }
}
