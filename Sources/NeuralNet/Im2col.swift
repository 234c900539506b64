/// Unfolds `channels` planes of one image (`[channels, H, W]`, contiguous) into columns
/// `[channels * kH * kW, outH * outW]`, with zeros where a tap falls in the padding; with
/// `outputRows`, only the windows of those output rows (`[channels * kH * kW, rows * outW]`).
///
/// Row `(c * kH + ky) * kW + kx` holds tap `(ky, kx)` of channel `c` for every window, in
/// raster order. For each tap the inside columns are found once, so the inner copy has no
/// bounds test (a plain copy at stride 1, eight columns per SIMD step at stride 2).
func im2col(
  _ image: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry,
  outputRows band: Range<Int>? = nil, into columns: UnsafeMutablePointer<Float>
) {
  let band = band ?? 0..<g.outputHeight
  let outW = g.outputWidth, spatial = band.count * outW
  let plane = g.inputHeight * g.inputWidth
  let strideWidth = g.strideWidth
  var row = 0
  for channel in 0..<channels {
    let source = image + channel * plane
    for ky in 0..<g.kernelHeight {
      let inBand = g.rowsInside(kernelRow: ky).clamped(to: band)
      let rows = (inBand.lowerBound - band.lowerBound)..<(inBand.upperBound - band.lowerBound)
      for kx in 0..<g.kernelWidth {
        let destination = columns + row * spatial
        row += 1
        let inside = g.columnsInside(kernelColumn: kx)
        let xOffset = kx * g.dilationWidth - g.padding.left
        destination.update(repeating: 0, count: rows.lowerBound * outW)
        for oy in inBand {
          let y = oy * g.strideHeight - g.padding.top + ky * g.dilationHeight
          let line = destination + (oy - band.lowerBound) * outW
          let sourceLine = source + y * g.inputWidth
          line.update(repeating: 0, count: inside.lowerBound)
          (line + inside.upperBound).update(repeating: 0, count: outW - inside.upperBound)
          if strideWidth == 1 {
            (line + inside.lowerBound).update(
              from: sourceLine + (inside.lowerBound + xOffset), count: inside.count)
          } else {
            var ox = inside.lowerBound
            if strideWidth == 2 {
              // Eight columns per step from a 16-float load, while it stays in the row.
              while ox &+ 8 <= inside.upperBound && (ox &+ 8) &* 2 &+ xOffset <= g.inputWidth {
                let values = UnsafeRawPointer(sourceLine + (ox &* 2 &+ xOffset))
                  .loadUnaligned(as: SIMD16<Float>.self).evenHalf
                UnsafeMutableRawPointer(line + ox).storeBytes(of: values, as: SIMD8<Float>.self)
                ox &+= 8
              }
            }
            while ox < inside.upperBound {
              line[ox] = sourceLine[ox &* strideWidth &+ xOffset]
              ox &+= 1
            }
          }
        }
        (destination + rows.upperBound * outW).update(
          repeating: 0, count: (band.count - rows.upperBound) * outW)
      }
    }
  }
}

/// Folds columns back onto `channels` planes of an image, adding overlapping contributions
/// (the adjoint of ``im2col(_:channels:geometry:into:)``). Each image value receives its
/// terms in a fixed order (tap by tap, windows in raster order).
func col2im(
  _ columns: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry,
  addingInto image: UnsafeMutablePointer<Float>
) {
  let outW = g.outputWidth, spatial = g.outputHeight * outW
  let plane = g.inputHeight * g.inputWidth
  let strideWidth = g.strideWidth
  var row = 0
  for channel in 0..<channels {
    let destination = image + channel * plane
    for ky in 0..<g.kernelHeight {
      let rows = g.rowsInside(kernelRow: ky)
      for kx in 0..<g.kernelWidth {
        let source = columns + row * spatial
        row += 1
        let inside = g.columnsInside(kernelColumn: kx)
        let xOffset = kx * g.dilationWidth - g.padding.left
        for oy in rows {
          let y = oy * g.strideHeight - g.padding.top + ky * g.dilationHeight
          let line = source + oy * outW
          let destinationLine = destination + y * g.inputWidth
          for ox in inside { destinationLine[ox * strideWidth + xOffset] += line[ox] }
        }
      }
    }
  }
}
