/// The geometry of a 2-D sliding window (convolution or pooling) over an `H x W` plane.
struct WindowGeometry: Sendable, Equatable {
  var kernelHeight: Int, kernelWidth: Int
  var stride: Int, padding: Int, dilation: Int
  var inputHeight: Int, inputWidth: Int

  /// `floor((H + 2p - d(k-1) - 1) / s) + 1`.
  var outputHeight: Int { (inputHeight + 2 * padding - dilation * (kernelHeight - 1) - 1) / stride + 1 }
  var outputWidth: Int { (inputWidth + 2 * padding - dilation * (kernelWidth - 1) - 1) / stride + 1 }
}

/// Unfolds one image `[C, H, W]` into columns `[C * kH * kW, outH * outW]` (zero padding).
func im2col(
  _ image: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry,
  into columns: UnsafeMutablePointer<Float>
) {
  let outH = g.outputHeight, outW = g.outputWidth
  let plane = g.inputHeight * g.inputWidth
  var row = 0
  for channel in 0..<channels {
    let source = image + channel * plane
    for ky in 0..<g.kernelHeight {
      for kx in 0..<g.kernelWidth {
        let destination = columns + row * outH * outW
        for oy in 0..<outH {
          let y = oy * g.stride - g.padding + ky * g.dilation
          let line = destination + oy * outW
          if y < 0 || y >= g.inputHeight {
            for ox in 0..<outW { line[ox] = 0 }
            continue
          }
          let sourceLine = source + y * g.inputWidth
          let xOffset = kx * g.dilation - g.padding
          for ox in 0..<outW {
            let x = ox * g.stride + xOffset
            line[ox] = (x >= 0 && x < g.inputWidth) ? sourceLine[x] : 0
          }
        }
        row += 1
      }
    }
  }
}

/// Folds columns back onto an image, adding overlapping contributions (the adjoint of
/// ``im2col(_:channels:geometry:into:)``). Each image value receives its terms in a fixed order.
func col2im(
  _ columns: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry,
  addingInto image: UnsafeMutablePointer<Float>
) {
  let outH = g.outputHeight, outW = g.outputWidth
  let plane = g.inputHeight * g.inputWidth
  var row = 0
  for channel in 0..<channels {
    let destination = image + channel * plane
    for ky in 0..<g.kernelHeight {
      for kx in 0..<g.kernelWidth {
        let source = columns + row * outH * outW
        for oy in 0..<outH {
          let y = oy * g.stride - g.padding + ky * g.dilation
          if y < 0 || y >= g.inputHeight { continue }
          let line = source + oy * outW
          let destinationLine = destination + y * g.inputWidth
          let xOffset = kx * g.dilation - g.padding
          for ox in 0..<outW {
            let x = ox * g.stride + xOffset
            if x >= 0 && x < g.inputWidth { destinationLine[x] += line[ox] }
          }
        }
        row += 1
      }
    }
  }
}
