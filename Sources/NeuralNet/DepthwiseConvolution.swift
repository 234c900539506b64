/// A depthwise convolution (`groups == C_in`) computed directly, one output plane at a time.
///
/// Output channel `o` reads input channel `o / multiplier` with its own `kH x kW` filter.
/// The input plane is first copied into a zero-padded buffer, so that every window lies
/// inside it (at stride 2, split into its even and odd columns, so that loads stay
/// contiguous); each output is then `bias + Σ weight * input` over all `kH * kW` taps in
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
    // At stride 2 the even and odd columns go to two planes, so that every load is contiguous.
    let isDeinterleaved = geometry.strideWidth == 2
    let rowLength = isDeinterleaved ? (paddedW + 1) / 2 : paddedW
    let planeCount = paddedGeometry.inputHeight * rowLength
    // Slack: a narrow row's eight-wide block reads lanes past the end of the last plane.
    let count = (isDeinterleaved ? 2 : 1) * planeCount + 32
    // On the stack when small (Swift's temporary allocation), which matters for 7x7 planes.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { buffer in
      let padded = buffer.baseAddress!
      padded.initialize(repeating: 0, count: count)
      for y in 0..<inH {
        let sourceLine = source + y &* inW, line = padded + (y &+ top) &* rowLength
        guard isDeinterleaved else {
          copyFloats(sourceLine, to: line + left, count: inW)
          continue
        }
        deinterleave(sourceLine, count: inW, left: left, even: line, odd: line + planeCount)
      }
      let taps = Taps(
        rowLength: rowLength, oddPlaneOffset: isDeinterleaved ? planeCount : nil,
        height: geometry.kernelHeight, width: geometry.kernelWidth,
        dilationHeight: geometry.dilationHeight, dilationWidth: geometry.dilationWidth)
      rows(padded, taps, filter: filter, bias: bias, into: output)
    }
  }

  /// Computes every output row from the padded plane. The geometry is read into plain
  /// integers first: copying a `WindowGeometry` per row costs a `memmove` call each time.
  private func rows(
    _ padded: UnsafePointer<Float>, _ taps: Taps, filter: UnsafePointer<Float>, bias: Float,
    into output: UnsafeMutablePointer<Float>
  ) {
    let outH = geometry.outputHeight, outW = geometry.outputWidth
    let strideHeight = geometry.strideHeight, strideWidth = geometry.strideWidth
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
        if isThreeByThree {
          taps.row3x3(line, top, filter, bias, columns)
        } else {
          taps.row(line, top, filter, bias, columns)
        }
        if !fits { copyFloats(scratch, to: output + oy &* outW, count: outW) }
      }
    }
  }
}

extension DepthwiseConvolution {
  /// Backward of one input channel of one image: the weight gradients of the channel's
  /// `multiplier` output channels, and (when asked) the channel's input gradient.
  ///
  /// Works on the zero-padded plane like the forward: `dW[o, ky, kx] = Σ dY[o, oy, ox] *
  /// x[tap]` summed in eight SIMD lanes plus a tail (a fixed order), and
  /// `dX[tap] += W[o, ky, kx] * dY[o, oy, ox]` added output channel by output channel, row by
  /// row, tap by tap, then cropped to the input plane (each input channel belongs to exactly
  /// one work item).
  ///
  /// - Parameters:
  ///   - image: the input planes of one image, `[C_in, H, W]`.
  ///   - gradientOutput: dLoss/dOutput of the image, `[C_out, outH, outW]`.
  ///   - weight: the whole weight, `[C_out, 1, kH, kW]`.
  ///   - inputChannel: the channel `c`; its outputs are
  ///     `c * multiplier ..< (c + 1) * multiplier`.
  ///   - multiplier: output channels per input channel.
  ///   - weightGradient: the image's weight gradient, `[C_out, kH * kW]`, written for the
  ///     channel's outputs.
  ///   - inputGradient: the image's input gradient, `[C_in, H, W]`, written for the channel;
  ///     nil to skip it.
  func backward(
    _ image: UnsafePointer<Float>, gradientOutput: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, inputChannel c: Int, multiplier: Int,
    weightGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?
  ) {
    let inH = geometry.inputHeight, inW = geometry.inputWidth
    let top = geometry.padding.top, left = geometry.padding.left
    let paddedW = paddedGeometry.inputWidth, paddedCount = paddedGeometry.inputHeight * paddedW
    let outH = geometry.outputHeight, outW = geometry.outputWidth, spatial = outH * outW
    let kH = geometry.kernelHeight, kW = geometry.kernelWidth, taps = kH * kW
    let strideHeight = geometry.strideHeight, strideWidth = geometry.strideWidth
    let dilationHeight = geometry.dilationHeight, dilationWidth = geometry.dilationWidth
    // The gradient plane after the input plane, then slack for a stride-2 load's odd lanes.
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: 2 * paddedCount + 16)
    defer { padded.deallocate() }
    let paddedGradient = padded + paddedCount
    padded.initialize(repeating: 0, count: 2 * paddedCount + 16)
    let source = image + c * inH * inW
    for y in 0..<inH {
      copyFloats(source + y &* inW, to: padded + ((y &+ top) &* paddedW &+ left), count: inW)
    }
    for o in (c * multiplier)..<((c + 1) * multiplier) {
      let dy = gradientOutput + o * spatial
      for ky in 0..<kH {
        for kx in 0..<kW {
          let offset = ky &* dilationHeight &* paddedW &+ kx &* dilationWidth
          // Eight partial sums (lane ox % 8 of each row's eight-wide steps) and one for the
          // row tails, added at the end: a fixed order, and short chains of Float additions.
          var lanes = SIMD8<Float>()
          var tail: Float = 0
          for oy in 0..<outH {
            let line = padded + (oy &* strideHeight &* paddedW &+ offset)
            let dyLine = dy + oy &* outW
            var ox = 0
            // Strides above 2 take the tail loop for the whole row.
            while strideWidth <= 2 && ox &+ 8 <= outW {
              let gradients = UnsafeRawPointer(dyLine + ox).loadUnaligned(as: SIMD8<Float>.self)
              let values = UnsafeRawPointer(line + ox &* strideWidth)
              lanes +=
                gradients
                * (strideWidth == 1
                  ? values.loadUnaligned(as: SIMD8<Float>.self)
                  : values.loadUnaligned(as: SIMD16<Float>.self).evenHalf)
              ox &+= 8
            }
            while ox < outW {
              tail += dyLine[ox] * line[ox &* strideWidth]
              ox &+= 1
            }
          }
          weightGradient[o &* taps &+ ky &* kW &+ kx] = lanes.sum() + tail
        }
      }
      guard inputGradient != nil else { continue }
      let filter = weight + o * taps
      for oy in 0..<outH {
        let dyLine = dy + oy &* outW
        for ky in 0..<kH {
          for kx in 0..<kW {
            let tap = filter[ky &* kW &+ kx]
            let line =
              paddedGradient
              + ((oy &* strideHeight &+ ky &* dilationHeight) &* paddedW &+ kx &* dilationWidth)
            if strideWidth == 1 {
              var ox = 0
              while ox &+ 8 <= outW {
                let target = UnsafeMutableRawPointer(line + ox)
                let gradients = UnsafeRawPointer(dyLine + ox).loadUnaligned(as: SIMD8<Float>.self)
                target.storeBytes(
                  of: target.loadUnaligned(as: SIMD8<Float>.self) + gradients * tap,
                  as: SIMD8<Float>.self)
                ox &+= 8
              }
              while ox < outW {
                line[ox] += tap * dyLine[ox]
                ox &+= 1
              }
            } else {
              for ox in 0..<outW { line[ox &* strideWidth] += tap * dyLine[ox] }
            }
          }
        }
      }
    }
    guard let inputGradient else { return }
    let destination = inputGradient + c * inH * inW
    for y in 0..<inH {
      copyFloats(
        paddedGradient + ((y &+ top) &* paddedW &+ left), to: destination + y &* inW, count: inW)
    }
  }
}

/// The kernel taps over a padded plane (every tap inside it), as plain integers. At stride 2
/// the plane is split into its even and odd columns (`oddPlaneOffset` floats apart), so the
/// eight outputs of a step read eight consecutive floats for every tap.
private struct Taps {
  /// Floats per row of the padded plane (of each half-plane at stride 2).
  let rowLength: Int
  /// Where the odd columns' plane starts, for stride 2; nil for a plain plane.
  let oddPlaneOffset: Int?
  let height: Int, width: Int
  let dilationHeight: Int, dilationWidth: Int

  /// Where tap column `kx` of output column 0 lies, from the row's start.
  @inline(__always)
  func columnOffset(_ kx: Int) -> Int {
    let column = kx &* dilationWidth
    guard let oddPlaneOffset else { return column }
    return (column & 1) &* oddPlaneOffset &+ (column >> 1)
  }

  /// One output of a plain plane: `bias + Σ weight * value` over the taps from `corner`, in
  /// row-major order.
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
  /// first tap row starts at `top`; the last block is shifted back to end at the range's end.
  @inline(__always)
  func row(
    _ line: UnsafeMutablePointer<Float>, _ top: UnsafePointer<Float>,
    _ filter: UnsafePointer<Float>, _ bias: Float, _ columns: Range<Int>
  ) {
    var ox = columns.lowerBound
    while ox < columns.upperBound {
      ox = min(ox, columns.upperBound &- 8)
      var sum = SIMD8<Float>(repeating: bias)
      for ky in 0..<height {
        let sourceLine = top + (ky &* dilationHeight &* rowLength &+ ox)
        let weights = filter + ky &* width
        for kx in 0..<width { sum += load(sourceLine + columnOffset(kx)) * weights[kx] }
      }
      UnsafeMutableRawPointer(line + ox).storeBytes(of: sum, as: SIMD8<Float>.self)
      ox &+= 8
    }
  }

  /// ``row(_:_:_:_:_:)`` for a 3x3 kernel: the nine weights and three column offsets stay in
  /// registers. Same sums in the same order.
  @inline(__always)
  func row3x3(
    _ line: UnsafeMutablePointer<Float>, _ top: UnsafePointer<Float>,
    _ filter: UnsafePointer<Float>, _ bias: Float, _ columns: Range<Int>
  ) {
    let dy = dilationHeight &* rowLength
    let (c0, c1, c2) = (columnOffset(0), columnOffset(1), columnOffset(2))
    let (w0, w1, w2) = (filter[0], filter[1], filter[2])
    let (w3, w4, w5) = (filter[3], filter[4], filter[5])
    let (w6, w7, w8) = (filter[6], filter[7], filter[8])
    var ox = columns.lowerBound
    while ox < columns.upperBound {
      ox = min(ox, columns.upperBound &- 8)
      let first = top + ox, middle = first + dy, last = middle + dy
      var sum = SIMD8<Float>(repeating: bias)
      sum += load(first + c0) * w0
      sum += load(first + c1) * w1
      sum += load(first + c2) * w2
      sum += load(middle + c0) * w3
      sum += load(middle + c1) * w4
      sum += load(middle + c2) * w5
      sum += load(last + c0) * w6
      sum += load(last + c1) * w7
      sum += load(last + c2) * w8
      UnsafeMutableRawPointer(line + ox).storeBytes(of: sum, as: SIMD8<Float>.self)
      ox &+= 8
    }
  }
}

/// Splits a row into its padded even and odd columns: input column `x` is padded column
/// `c = x + left`, which goes to `even` or `odd` (by the parity of `c`) at `c / 2`. Sixteen
/// columns per SIMD step, then eight, then one at a time.
@inline(__always)
private func deinterleave(
  _ source: UnsafePointer<Float>, count: Int, left: Int, even: UnsafeMutablePointer<Float>,
  odd: UnsafeMutablePointer<Float>
) {
  // Columns x, x + 2, ... (x even) land in `first` from (x + left) / 2, the others in `second`.
  let leftIsEven = left & 1 == 0
  let (first, second) = leftIsEven ? (even, odd) : (odd, even)
  var x = 0
  while x &+ 16 <= count {
    let values = UnsafeRawPointer(source + x).loadUnaligned(as: SIMD16<Float>.self)
    UnsafeMutableRawPointer(first + ((x &+ left) >> 1)).storeBytes(
      of: values.evenHalf, as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(second + ((x &+ 1 &+ left) >> 1)).storeBytes(
      of: values.oddHalf, as: SIMD8<Float>.self)
    x &+= 16
  }
  if x &+ 8 <= count {
    let values = UnsafeRawPointer(source + x).loadUnaligned(as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(first + ((x &+ left) >> 1)).storeBytes(
      of: values.evenHalf, as: SIMD4<Float>.self)
    UnsafeMutableRawPointer(second + ((x &+ 1 &+ left) >> 1)).storeBytes(
      of: values.oddHalf, as: SIMD4<Float>.self)
    x &+= 8
  }
  while x < count {
    let column = x &+ left
    (column & 1 == 0 ? even : odd)[column >> 1] = source[x]
    x &+= 1
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

/// Eight consecutive floats.
@inline(__always)
private func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}
