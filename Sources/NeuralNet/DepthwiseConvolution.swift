/// A depthwise convolution (`groups == C_in`) computed directly, one output plane at a time.
///
/// Output channel `o` reads input channel `o / multiplier` with its own `kH x kW` filter.
/// The input plane is first copied into a zero-padded buffer, so that every window lies
/// inside it; each output is then `bias + Σ weight * input` over all `kH * kW` taps in
/// row-major order (a padding tap adds `weight * 0`, as in im2col). For strides 1 and 2 each
/// output row runs eight outputs per SIMD step, the last step shifted back to end at the
/// row's end (a row narrower than eight spills into the rows after it, which overwrite the
/// spill; the plane's last such row goes through a scratch row); a 3x3 kernel keeps its nine
/// weights in registers. Other strides take a scalar loop with the same sums.
///
/// The copy costs about as much as the border handling it replaces on 112-wide planes and
/// wins on narrower ones (MobileNetV2's depthwise layers, one thread, release build).
///
/// - Complexity: O(outH * outW * kH * kW) per plane; O((H + top + bottom) * (W + left +
///   right)) scratch memory per plane.
struct DepthwiseConvolution {
  let geometry: WindowGeometry
  /// The same window over the padded plane (which has no padding of its own).
  let paddedGeometry: WindowGeometry

  init(geometry g: WindowGeometry) {
    geometry = g
    paddedGeometry = WindowGeometry(
      kernel: SpatialPair(height: g.kernelHeight, width: g.kernelWidth),
      stride: SpatialPair(height: g.strideHeight, width: g.strideWidth),
      padding: SpatialPadding(0),
      dilation: SpatialPair(height: g.dilationHeight, width: g.dilationWidth),
      inputHeight: g.inputHeight + g.padding.top + g.padding.bottom,
      inputWidth: g.inputWidth + g.padding.left + g.padding.right)
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
    let inH = geometry.inputHeight, inW = geometry.inputWidth
    let top = geometry.padding.top, left = geometry.padding.left
    let paddedW = paddedGeometry.inputWidth
    let source = image + inputChannel * inH * inW
    // Slack: an eight-wide stride-2 load reads 16 floats, from at most 8 * 2 floats before
    // the end of a row's last window, and a narrow row's block reads lanes past its end.
    let count = paddedGeometry.inputHeight * paddedW + 32
    // On the stack when small (Swift's temporary allocation), which matters for 7x7 planes.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { buffer in
      let padded = buffer.baseAddress!
      padded.initialize(repeating: 0, count: count)
      for y in 0..<inH {
        copyFloats(source + y &* inW, to: padded + ((y &+ top) &* paddedW &+ left), count: inW)
      }
      rows(padded, filter: filter, bias: bias, into: output)
    }
  }

  /// Computes every output row from the padded plane. The geometry is read into plain
  /// integers first: copying a `WindowGeometry` per row costs a `memmove` call each time.
  private func rows(
    _ padded: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: Float,
    into output: UnsafeMutablePointer<Float>
  ) {
    let outH = geometry.outputHeight, outW = geometry.outputWidth
    let strideHeight = geometry.strideHeight, strideWidth = geometry.strideWidth
    let taps = Taps(
      rowLength: paddedGeometry.inputWidth, height: geometry.kernelHeight,
      width: geometry.kernelWidth, dilationHeight: geometry.dilationHeight,
      dilationWidth: geometry.dilationWidth)
    guard strideWidth <= 2 else {
      for oy in 0..<outH {
        for ox in 0..<outW {
          let corner = padded + (oy &* strideHeight &* taps.rowLength &+ ox &* strideWidth)
          output[oy &* outW &+ ox] = taps.sum(corner, filter, bias)
        }
      }
      return
    }
    var scratch = SIMD8<Float>()
    withUnsafeMutableBytes(of: &scratch) { scratch in
      let scratch = scratch.baseAddress!.assumingMemoryBound(to: Float.self)
      let columns = 0..<max(outW, 8), planeCount = outH &* outW
      let isThreeByThree = taps.height == 3 && taps.width == 3
      for oy in 0..<outH {
        // A row narrower than eight spills its extra lanes into the rows after it, which are
        // computed later and overwrite them; only a spill past the plane goes to the scratch.
        let fits = outW >= 8 || oy &* outW &+ 8 <= planeCount
        let line = fits ? output + oy &* outW : scratch
        let top = padded + oy &* strideHeight &* taps.rowLength
        switch (isThreeByThree, strideWidth) {
        case (true, 1): taps.row3x3(line, top, filter, bias, columns, strideWidth: 1)
        case (true, _): taps.row3x3(line, top, filter, bias, columns, strideWidth: 2)
        case (false, 1): taps.row(line, top, filter, bias, columns, strideWidth: 1)
        default: taps.row(line, top, filter, bias, columns, strideWidth: 2)
        }
        if !fits { copyFloats(scratch, to: output + oy &* outW, count: outW) }
      }
    }
  }
}

/// The kernel taps over a padded plane (every tap inside it), as plain integers.
private struct Taps {
  /// Floats per padded row.
  let rowLength: Int
  let height: Int, width: Int
  let dilationHeight: Int, dilationWidth: Int

  /// One output: `bias + Σ weight * value` over the taps from `corner`, in row-major order.
  @inline(__always)
  func sum(_ corner: UnsafePointer<Float>, _ filter: UnsafePointer<Float>, _ bias: Float)
    -> Float
  {
    var sum = bias
    for ky in 0..<height {
      let line = corner + ky &* dilationHeight &* rowLength
      for kx in 0..<width { sum += filter[ky &* width &+ kx] * line[kx &* dilationWidth] }
    }
    return sum
  }

  /// Eight outputs at a time over `columns`, at least 8 of them, for the output row whose
  /// first tap row starts at `top`; the last block is shifted back to end at the range's
  /// end. Inlined so that a literal `strideWidth` (1 or 2) picks the load.
  @inline(__always)
  func row(
    _ line: UnsafeMutablePointer<Float>, _ top: UnsafePointer<Float>,
    _ filter: UnsafePointer<Float>, _ bias: Float, _ columns: Range<Int>, strideWidth: Int
  ) {
    var ox = columns.lowerBound
    while ox < columns.upperBound {
      ox = min(ox, columns.upperBound &- 8)
      var sum = SIMD8<Float>(repeating: bias)
      let corner = top + ox &* strideWidth
      for ky in 0..<height {
        let sourceLine = corner + ky &* dilationHeight &* rowLength
        let weights = filter + ky &* width
        for kx in 0..<width {
          sum += load(sourceLine + kx &* dilationWidth, strideWidth: strideWidth) * weights[kx]
        }
      }
      UnsafeMutableRawPointer(line + ox).storeBytes(of: sum, as: SIMD8<Float>.self)
      ox &+= 8
    }
  }

  /// ``row(_:_:_:_:_:strideWidth:)`` for a 3x3 kernel: the nine weights stay in registers.
  /// Same sums in the same order.
  @inline(__always)
  func row3x3(
    _ line: UnsafeMutablePointer<Float>, _ top: UnsafePointer<Float>,
    _ filter: UnsafePointer<Float>, _ bias: Float, _ columns: Range<Int>, strideWidth: Int
  ) {
    let dy = dilationHeight &* rowLength, dx = dilationWidth
    let (w0, w1, w2) = (filter[0], filter[1], filter[2])
    let (w3, w4, w5) = (filter[3], filter[4], filter[5])
    let (w6, w7, w8) = (filter[6], filter[7], filter[8])
    var ox = columns.lowerBound
    while ox < columns.upperBound {
      ox = min(ox, columns.upperBound &- 8)
      let first = top + ox &* strideWidth
      let middle = first + dy, last = middle + dy
      var sum = SIMD8<Float>(repeating: bias)
      sum += load(first, strideWidth: strideWidth) * w0
      sum += load(first + dx, strideWidth: strideWidth) * w1
      sum += load(first + 2 &* dx, strideWidth: strideWidth) * w2
      sum += load(middle, strideWidth: strideWidth) * w3
      sum += load(middle + dx, strideWidth: strideWidth) * w4
      sum += load(middle + 2 &* dx, strideWidth: strideWidth) * w5
      sum += load(last, strideWidth: strideWidth) * w6
      sum += load(last + dx, strideWidth: strideWidth) * w7
      sum += load(last + 2 &* dx, strideWidth: strideWidth) * w8
      UnsafeMutableRawPointer(line + ox).storeBytes(of: sum, as: SIMD8<Float>.self)
      ox &+= 8
    }
  }
}

/// Copies `count` floats; below 16, in at most four SIMD steps and no loop, since a copy loop
/// becomes a `memmove` call, whose cost dominates on 7-float rows.
@inline(__always)
private func copyFloats(
  _ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int
) {
  guard count < 16 else {
    destination.update(from: source, count: count)
    return
  }
  var index = 0
  if count >= 8 {
    let values = UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(destination).storeBytes(of: values, as: SIMD8<Float>.self)
    index = 8
  }
  if index &+ 4 <= count {
    let values = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD4<Float>.self)
    UnsafeMutableRawPointer(destination + index).storeBytes(of: values, as: SIMD4<Float>.self)
    index &+= 4
  }
  if index &+ 2 <= count {
    let values = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD2<Float>.self)
    UnsafeMutableRawPointer(destination + index).storeBytes(of: values, as: SIMD2<Float>.self)
    index &+= 2
  }
  if index < count { destination[index] = source[index] }
}

/// Eight values `pointer[0], pointer[stride], ...` for a stride of 1 or 2 (a stride-2 load
/// reads 16 floats and keeps the even ones).
@inline(__always)
private func load(_ pointer: UnsafePointer<Float>, strideWidth: Int) -> SIMD8<Float> {
  let raw = UnsafeRawPointer(pointer)
  if strideWidth == 1 { return raw.loadUnaligned(as: SIMD8<Float>.self) }
  return raw.loadUnaligned(as: SIMD16<Float>.self).evenHalf
}
