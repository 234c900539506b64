/// A depthwise convolution (`groups == C_in`) computed directly, one output plane at a time.
///
/// Output channel `o` reads input channel `o / multiplier` with its own `kH x kW` filter.
/// Every output value is `bias + Σ weight * input` over the kernel taps inside the input,
/// summed in row-major tap order. Columns whose taps all fall inside the input run eight
/// outputs at a time in SIMD registers (unit and stride-2 loads; a 3x3 kernel keeps its
/// weights in registers); the few border columns, and strides above 2, take the scalar loop,
/// which sums in the same order. The taps inside the input are found once per geometry, not
/// per row.
///
/// - Complexity: O(outH * outW * kH * kW) per plane; O(outH + outW) memory for the plan.
struct DepthwiseConvolution {
  let geometry: WindowGeometry
  /// The kernel rows inside the input, per output row.
  let rowTaps: [Range<Int>]
  /// The kernel columns inside the input, per output column.
  let columnTaps: [Range<Int>]
  /// The output columns computed eight at a time (empty for strides above 2 or narrow planes).
  let vectorColumns: Range<Int>

  init(geometry g: WindowGeometry) {
    geometry = g
    rowTaps = (0..<g.outputHeight).map { g.rowTaps($0) }
    columnTaps = (0..<g.outputWidth).map { g.columnTaps($0) }
    // Columns where every kernel column is inside the input.
    var lower = 0, upper = g.outputWidth
    for kx in 0..<g.kernelWidth {
      let inside = g.columnsInside(kernelColumn: kx)
      lower = max(lower, inside.lowerBound)
      upper = min(upper, inside.upperBound)
    }
    // Eight outputs read `8 * stride` floats from each tap; the last block start ox0 has
    // ox0 + 8 <= upper and (ox0 + 8) * stride - 1 + rightOffset < W, so every load stays in
    // the row (a negative bound means no block, whatever the rounding of the division).
    let rightOffset = (g.kernelWidth - 1) * g.dilationWidth - g.padding.left
    let lastStart =
      g.strideWidth <= 2 ? min(upper - 8, (g.inputWidth - rightOffset) / g.strideWidth - 8) : -1
    vectorColumns = lastStart >= lower ? lower..<(lastStart + 8) : 0..<0
  }

  /// Computes output plane `o` of one image.
  ///
  /// - Parameters:
  ///   - image: the input planes of one image, `[C_in, H, W]`.
  ///   - filter: the `kH * kW` weights of output channel `o`.
  ///   - bias: the channel's bias, 0 without one.
  ///   - inputChannel: the channel `o / multiplier` that `o` reads.
  ///   - output: the `outH * outW` plane to write.
  func plane(
    _ image: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: Float, inputChannel: Int,
    into output: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let outW = g.outputWidth, inW = g.inputWidth, kW = g.kernelWidth
    let source = image + inputChannel * g.inputHeight * inW
    let strideWidth = g.strideWidth, vector = vectorColumns
    rowTaps.withUnsafeBufferPointer { rowTaps in
      columnTaps.withUnsafeBufferPointer { columnTaps in
        for oy in 0..<g.outputHeight {
          let line = output + oy &* outW
          let rows = rowTaps[oy]
          let rowStart = oy &* g.strideHeight &- g.padding.top
          func scalar(_ ox: Int) {
            let x0 = ox &* strideWidth &- g.padding.left
            var sum = bias
            for ky in rows {
              // An index, not a pointer: x0 is negative in the left padding.
              let first = (rowStart &+ ky &* g.dilationHeight) &* inW &+ x0
              let taps = filter + ky &* kW
              for kx in columnTaps[ox] { sum += taps[kx] * source[first &+ kx &* g.dilationWidth] }
            }
            line[ox] = sum
          }
          guard !vector.isEmpty else {
            for ox in 0..<outW { scalar(ox) }
            continue
          }
          for ox in 0..<vector.lowerBound { scalar(ox) }
          switch (kH: g.kernelHeight, kW: kW, rows: rows.count, stride: strideWidth) {
          case (3, 3, 3, 1):
            vectorRow3x3(line, source, filter, bias, rowStart, g, vector, strideWidth: 1)
          case (3, 3, 3, 2):
            vectorRow3x3(line, source, filter, bias, rowStart, g, vector, strideWidth: 2)
          case (_, _, _, 1):
            vectorRow(line, source, filter, bias, rows, rowStart, g, vector, strideWidth: 1)
          default:
            vectorRow(line, source, filter, bias, rows, rowStart, g, vector, strideWidth: 2)
          }
          for ox in vector.upperBound..<outW { scalar(ox) }
        }
      }
    }
  }
}

/// Eight outputs at a time over `columns`, at least 8 of them (every tap inside the input,
/// every load inside the row); the last block is shifted left to end at the range's end.
/// Inlined so that a literal `strideWidth` (1 or 2) picks the load.
@inline(__always)
private func vectorRow(
  _ line: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>,
  _ filter: UnsafePointer<Float>, _ bias: Float, _ rows: Range<Int>, _ rowStart: Int,
  _ g: WindowGeometry, _ columns: Range<Int>, strideWidth: Int
) {
  let inW = g.inputWidth, kW = g.kernelWidth
  var ox = columns.lowerBound
  while ox < columns.upperBound {
    ox = min(ox, columns.upperBound &- 8)
    var sum = SIMD8<Float>(repeating: bias)
    let x0 = ox &* strideWidth &- g.padding.left
    for ky in rows {
      let sourceLine = source + ((rowStart &+ ky &* g.dilationHeight) &* inW &+ x0)
      let taps = filter + ky &* kW
      for kx in 0..<kW {
        sum += load(sourceLine + kx &* g.dilationWidth, strideWidth: strideWidth) * taps[kx]
      }
    }
    UnsafeMutableRawPointer(line + ox).storeBytes(of: sum, as: SIMD8<Float>.self)
    ox &+= 8
  }
}

/// ``vectorRow(_:_:_:_:_:_:_:_:strideWidth:)`` for a 3x3 kernel whose three rows are
/// inside the input: the nine weights stay in registers. Same sums in the same order.
@inline(__always)
private func vectorRow3x3(
  _ line: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>,
  _ filter: UnsafePointer<Float>, _ bias: Float, _ rowStart: Int, _ g: WindowGeometry,
  _ columns: Range<Int>, strideWidth: Int
) {
  let inW = g.inputWidth, dy = g.dilationHeight &* inW, dx = g.dilationWidth
  let (w0, w1, w2) = (filter[0], filter[1], filter[2])
  let (w3, w4, w5) = (filter[3], filter[4], filter[5])
  let (w6, w7, w8) = (filter[6], filter[7], filter[8])
  var ox = columns.lowerBound
  while ox < columns.upperBound {
    ox = min(ox, columns.upperBound &- 8)
    let top = source + (rowStart &* inW &+ ox &* strideWidth &- g.padding.left)
    let middle = top + dy, bottom = middle + dy
    var sum = SIMD8<Float>(repeating: bias)
    sum += load(top, strideWidth: strideWidth) * w0
    sum += load(top + dx, strideWidth: strideWidth) * w1
    sum += load(top + 2 &* dx, strideWidth: strideWidth) * w2
    sum += load(middle, strideWidth: strideWidth) * w3
    sum += load(middle + dx, strideWidth: strideWidth) * w4
    sum += load(middle + 2 &* dx, strideWidth: strideWidth) * w5
    sum += load(bottom, strideWidth: strideWidth) * w6
    sum += load(bottom + dx, strideWidth: strideWidth) * w7
    sum += load(bottom + 2 &* dx, strideWidth: strideWidth) * w8
    UnsafeMutableRawPointer(line + ox).storeBytes(of: sum, as: SIMD8<Float>.self)
    ox &+= 8
  }
}

/// Eight values `pointer[0], pointer[stride], ...` for a stride of 1 or 2 (a stride-2 load
/// reads 16 floats and keeps the even ones).
@inline(__always)
private func load(_ pointer: UnsafePointer<Float>, strideWidth: Int) -> SIMD8<Float> {
  let raw = UnsafeRawPointer(pointer)
  if strideWidth == 1 { return raw.loadUnaligned(as: SIMD8<Float>.self) }
  return raw.loadUnaligned(as: SIMD16<Float>.self).evenHalf
}
