/// A 3x3, stride-1, undilated convolution computed with Winograd's minimal filtering
/// F(2x2, 3x3): each 2x2 block of outputs costs 16 multiplications per channel pair instead
/// of 36 (Lavin & Gray 2016).
///
/// The weights are transformed once (`U = G g Gᵀ`, sixteen `[C_out, C_in]` matrices); for
/// each image the overlapping 4x4 input tiles are transformed (`V = Bᵀ d B`), multiplied with
/// one `sgemm` per tile element (`M = U V`), and transformed back (`Y = Aᵀ M A`). Used for
/// inference where it pays: planes with at least ``minimumOutputPositions`` outputs.
///
///     let fast = WinogradConvolution(weight: w, bias: b, padding: SpatialPadding(1))
///     let y = fast.output(for: x)   // equals Conv2d(weight: w, bias: b, padding: 1).output(for: x)
///
/// Differences from direct convolution: the transforms add rounding; outputs agree with
/// ``Conv2d/referenceForward(_:)`` within about `1e-5` relative (tested).
///
/// Reference: A. Lavin, S. Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR
/// 2016. <https://arxiv.org/abs/1509.09308>
package struct WinogradConvolution: Sendable {
  /// Sixteen transformed weight matrices `[16][C_out][C_in]`.
  let transformedWeights: [Float]
  let bias: [Float]?
  let inChannels: Int, outChannels: Int
  let padding: SpatialPadding

  /// The smallest output plane (height times width) for which the transforms pay off; below
  /// it the products are too thin for `sgemm` (ResNet-18's 7x7 planes, `Docs/onnx.md`).
  package static let minimumOutputPositions = 14 * 14

  /// Whether a convolution of these parameters can run here.
  package static func applies(
    weightShape: [Int], stride: SpatialPair, dilation: SpatialPair, groups: Int,
    outputPositions: Int
  ) -> Bool {
    weightShape.count == 4 && weightShape[2] == 3 && weightShape[3] == 3 && groups == 1
      && stride == SpatialPair(1) && dilation == SpatialPair(1)
      && outputPositions >= minimumOutputPositions && weightShape[1] >= 8
  }

  /// Transforms the weights.
  ///
  /// - Parameters:
  ///   - weight: `[C_out, C_in, 3, 3]`.
  ///   - bias: `[C_out]` or nil.
  ///   - padding: zeros around the input plane.
  package init(weight: Tensor, bias: Tensor?, padding: SpatialPadding) {
    precondition(
      weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
      "WinogradConvolution: weight \(weight.shape)")
    let cOut = weight.shape[0], cIn = weight.shape[1]
    var u = [Float](repeating: 0, count: 16 * cOut * cIn)
    weight.data.withUnsafeBufferPointer { g in
      for o in 0..<cOut {
        for c in 0..<cIn {
          let k = g.baseAddress! + (o * cIn + c) * 9
          // r = G g (4x3), then u = r Gᵀ (4x4); G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1].
          let g0 = SIMD3(k[0], k[1], k[2]), g1 = SIMD3(k[3], k[4], k[5]),
            g2 = SIMD3(k[6], k[7], k[8])
          let r = (g0, (g0 + g1 + g2) * 0.5, (g0 - g1 + g2) * 0.5, g2)
          for i in 0..<4 {
            let row = i == 0 ? r.0 : i == 1 ? r.1 : i == 2 ? r.2 : r.3
            let values = SIMD4(
              row[0], (row[0] + row[1] + row[2]) * 0.5, (row[0] - row[1] + row[2]) * 0.5, row[2])
            for j in 0..<4 { u[((i * 4 + j) * cOut + o) * cIn + c] = values[j] }
          }
        }
      }
    }
    transformedWeights = u
    self.bias = bias?.data
    inChannels = cIn
    outChannels = cOut
    self.padding = padding
  }

  /// The convolution of a batch `[N, C_in, H, W]`; images run on ``ComputeThreads``.
  package func output(for input: Tensor) -> Tensor {
    precondition(
      input.rank == 4 && input.shape[1] == inChannels, "WinogradConvolution: input \(input.shape)")
    let batch = input.shape[0], height = input.shape[2], width = input.shape[3]
    let outH = height + padding.top + padding.bottom - 2
    let outW = width + padding.left + padding.right - 2
    precondition(
      outH > 0 && outW > 0, "WinogradConvolution: input \(input.shape) is smaller than the kernel")
    var output = Tensor(zeros: [batch, outChannels, outH, outW])
    input.data.withUnsafeBufferPointer { x in
      output.data.withUnsafeMutableBufferPointer { y in
        let (x, y) = (x.baseAddress!, y.baseAddress!)
        ComputeThreads.forEach(batch) { n in
          image(
            x + n * inChannels * height * width, height: height, width: width,
            into: y + n * outChannels * outH * outW, outHeight: outH, outWidth: outW)
        }
      }
    }
    return output
  }

  private func image(
    _ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
    outHeight outH: Int, outWidth outW: Int
  ) {
    let (cIn, cOut) = (inChannels, outChannels)
    let tilesHigh = (outH + 1) / 2, tilesWide = (outW + 1) / 2, tiles = tilesHigh * tilesWide
    // A zero-padded copy of one plane, big enough for every 4x4 tile.
    let paddedH = 2 * tilesHigh + 2, paddedW = 2 * tilesWide + 2 + 16
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedH * paddedW)
    let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cIn * tiles)
    let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cOut * tiles)
    defer {
      padded.deallocate()
      v.deallocate()
      m.deallocate()
    }
    // V = Bᵀ d B for every tile of every channel; Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
    for c in 0..<cIn {
      padded.initialize(repeating: 0, count: paddedH * paddedW)
      let plane = x + c * height * width
      let rows = min(height, paddedH - padding.top), columns = min(width, paddedW - padding.left)
      for row in 0..<rows {
        (padded + (row + padding.top) * paddedW + padding.left).update(
          from: plane + row * width, count: columns)
      }
      let channelBase = v + c * tiles
      let elementStride = cIn * tiles
      for ty in 0..<tilesHigh {
        let top = padded + 2 * ty * paddedW
        var tx = 0
        // Eight tiles at a time: lanes are tiles; a 16-float load gives a row's taps 0 and 1
        // (even and odd lanes), the next one taps 2 and 3.
        while tx + 8 <= tilesWide {
          func taps(_ row: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
            let line = top + row * paddedW + 2 * tx
            let first = UnsafeRawPointer(line).loadUnaligned(as: SIMD16<Float>.self)
            let second = UnsafeRawPointer(line + 2).loadUnaligned(as: SIMD16<Float>.self)
            return (first.evenHalf, first.oddHalf, second.evenHalf, second.oddHalf)
          }
          let d0 = taps(0), d1 = taps(1), d2 = taps(2), d3 = taps(3)
          let destination = channelBase + ty * tilesWide + tx
          func store(_ i: Int, _ t: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
            func put(_ j: Int, _ value: SIMD8<Float>) {
              UnsafeMutableRawPointer(destination + (i * 4 + j) * elementStride)
                .storeBytes(of: value, as: SIMD8<Float>.self)
            }
            put(0, t.0 - t.2)
            put(1, t.1 + t.2)
            put(2, t.2 - t.1)
            put(3, t.1 - t.3)
          }
          store(0, (d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3))
          store(1, (d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3))
          store(2, (d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3))
          store(3, (d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3))
          tx += 8
        }
        while tx < tilesWide {
          let d = top + 2 * tx
          let d0 = UnsafeRawPointer(d).loadUnaligned(as: SIMD4<Float>.self)
          let d1 = UnsafeRawPointer(d + paddedW).loadUnaligned(as: SIMD4<Float>.self)
          let d2 = UnsafeRawPointer(d + 2 * paddedW).loadUnaligned(as: SIMD4<Float>.self)
          let d3 = UnsafeRawPointer(d + 3 * paddedW).loadUnaligned(as: SIMD4<Float>.self)
          // Rows of Bᵀ d, then their columns times B: column j of the result for all rows.
          let t0 = d0 - d2, t1 = d1 + d2, t2 = d2 - d1, t3 = d1 - d3
          let c0 = SIMD4(t0[0], t1[0], t2[0], t3[0]), c1 = SIMD4(t0[1], t1[1], t2[1], t3[1])
          let c2 = SIMD4(t0[2], t1[2], t2[2], t3[2]), c3 = SIMD4(t0[3], t1[3], t2[3], t3[3])
          let v0 = c0 - c2, v1 = c1 + c2, v2 = c2 - c1, v3 = c1 - c3
          let tile = channelBase + ty * tilesWide + tx
          for i in 0..<4 {
            tile[(i * 4) * elementStride] = v0[i]
            tile[(i * 4 + 1) * elementStride] = v1[i]
            tile[(i * 4 + 2) * elementStride] = v2[i]
            tile[(i * 4 + 3) * elementStride] = v3[i]
          }
          tx += 1
        }
      }
    }
    transformedWeights.withUnsafeBufferPointer { u in
      for element in 0..<16 {
        matrixMultiply(
          transposeA: false, transposeB: false, m: cOut, n: tiles, k: cIn,
          a: u.baseAddress! + element * cOut * cIn, lda: cIn, b: v + element * cIn * tiles,
          ldb: tiles,
          beta: 0, c: m + element * cOut * tiles, ldc: tiles)
      }
    }
    // Y = Aᵀ M A; Aᵀ = [1 1 1 0; 0 1 -1 -1].
    let elementStride = cOut * tiles
    for o in 0..<cOut {
      let b = bias?[o] ?? 0
      let out = y + o * outH * outW
      for ty in 0..<tilesHigh {
        let oy = 2 * ty
        let hasBottom = oy + 1 < outH
        var tx = 0
        while tx + 8 <= tilesWide && 2 * (tx + 8) <= outW {
          let base = m + o * tiles + ty * tilesWide + tx
          func load(_ e: Int) -> SIMD8<Float> {
            UnsafeRawPointer(base + e * elementStride).loadUnaligned(as: SIMD8<Float>.self)
          }
          // Aᵀ M, column by column, then times A.
          var top = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
          var bottom = top
          for j in 0..<4 {
            let (m0, m1, m2, m3) = (load(j), load(4 + j), load(8 + j), load(12 + j))
            let (upper, lower) = (m0 + m1 + m2, m1 - m2 - m3)
            switch j {
            case 0: (top.0, bottom.0) = (upper, lower)
            case 1: (top.1, bottom.1) = (upper, lower)
            case 2: (top.2, bottom.2) = (upper, lower)
            default: (top.3, bottom.3) = (upper, lower)
            }
          }
          let bias = SIMD8<Float>(repeating: b)
          let y00 = top.0 + top.1 + top.2 + bias, y01 = top.1 - top.2 - top.3 + bias
          let y10 = bottom.0 + bottom.1 + bottom.2 + bias,
            y11 = bottom.1 - bottom.2 - bottom.3 + bias
          let line = out + oy * outW + 2 * tx
          for lane in 0..<8 {
            line[2 * lane] = y00[lane]
            line[2 * lane + 1] = y01[lane]
          }
          if hasBottom {
            for lane in 0..<8 {
              line[outW + 2 * lane] = y10[lane]
              line[outW + 2 * lane + 1] = y11[lane]
            }
          }
          tx += 8
        }
        while tx < tilesWide {
          let base = m + o * tiles + ty * tilesWide + tx
          // Aᵀ M: two rows of four, as (column j) values.
          func column(_ j: Int) -> (Float, Float) {
            let m0 = base[j * elementStride], m1 = base[(4 + j) * elementStride]
            let m2 = base[(8 + j) * elementStride], m3 = base[(12 + j) * elementStride]
            return (m0 + m1 + m2, m1 - m2 - m3)
          }
          let (a0, b0) = column(0), (a1, b1) = column(1), (a2, b2) = column(2), (a3, b3) = column(3)
          let ox = 2 * tx
          let line = out + oy * outW + ox
          let hasRight = ox + 1 < outW
          line[0] = a0 + a1 + a2 + b
          if hasRight { line[1] = a1 - a2 - a3 + b }
          if hasBottom {
            line[outW] = b0 + b1 + b2 + b
            if hasRight { line[outW + 1] = b1 - b2 - b3 + b }
          }
          tx += 1
        }
      }
    }
  }
}
