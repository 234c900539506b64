/// Where one output sample reads along one axis in bilinear sampling: two neighbouring
/// source indices and the weight of the second.
struct LinearTaps {
  /// The lower source index, in `0..<count`.
  var lower: [Int]
  /// The upper source index, `min(lower + 1, count - 1)`.
  var upper: [Int]
  /// Weight of `upper`, in `[0, 1]`; the sample is `a + weight * (b - a)`.
  var weight: [Float]
  /// False where the output sample's centre falls outside the source's edges `[0, count)`.
  var isInside: [Bool]

  /// Taps for `outputCount` samples whose centres map to the source pixel-edge coordinate
  /// `origin + (i + 0.5 - offset) * scale`, sampled with align-corners-false semantics:
  /// the source sample index is that coordinate minus 0.5, clamped to `[0, count - 1]`.
  ///
  /// All coordinate arithmetic is in `Double`, so the same inputs give bit-identical taps
  /// in ``Image/resized(width:height:)`` and ``Image/cropAndWarp(box:to:contextPadding:fill:)``.
  init(outputCount: Int, sourceCount: Int, origin: Double, scale: Double, offset: Double) {
    lower = []
    upper = []
    weight = []
    isInside = []
    lower.reserveCapacity(outputCount)
    upper.reserveCapacity(outputCount)
    weight.reserveCapacity(outputCount)
    isInside.reserveCapacity(outputCount)
    let last = Double(sourceCount - 1)
    for i in 0..<outputCount {
      let edge = origin + (Double(i) + 0.5 - offset) * scale
      isInside.append(edge >= 0 && edge < Double(sourceCount))
      let position = min(max(edge - 0.5, 0), last)
      let floor = position.rounded(.down)
      let index = Int(floor)
      lower.append(index)
      upper.append(min(index + 1, sourceCount - 1))
      weight.append(Float(position - floor))
    }
  }
}

extension Image {
  /// Resizes with bilinear interpolation, matching pixel centres (align corners false).
  ///
  /// Output pixel `(u, v)` has its centre at `((u + 0.5) * self.width / width,
  /// (v + 0.5) * self.height / height)` in the source's pixel-edge coordinates; it reads the
  /// four source pixels around that point, with coordinates clamped to the first and last
  /// pixel centres. This is OpenCV's `resize(..., INTER_LINEAR)` on float images and
  /// PyTorch's `interpolate(mode="bilinear", align_corners=False, antialias=False)`.
  ///
  ///     let small = image.resized(width: 320, height: 240)
  ///
  /// - Parameters:
  ///   - width: Output columns, at least 1.
  ///   - height: Output rows, at least 1.
  /// - Returns: An image of the new size with the same channels. Same size returns `self`.
  /// - Complexity: O(*n*) for *n* output samples.
  ///
  /// Differences from a proper downscaler: no anti-aliasing, so shrinking by more than 2x
  /// skips pixels (pre-blur with ``gaussianBlurred(sigma:border:)`` if that matters).
  /// OpenCV's 8-bit path uses 11-bit fixed-point weights and differs by rounding.
  /// Checked against PyTorch's `upsample_bilinear2d` source-index rule written out in the
  /// tests and against hand-computed 2x2 → 4x4 values.
  public func resized(width: Int, height: Int) -> Image {
    precondition(width >= 1 && height >= 1, "resized: empty size \(width)x\(height)")
    if width == self.width && height == self.height { return self }
    let columns = LinearTaps(
      outputCount: width, sourceCount: self.width, origin: 0,
      scale: Double(self.width) / Double(width), offset: 0)
    let rows = LinearTaps(
      outputCount: height, sourceCount: self.height, origin: 0,
      scale: Double(self.height) / Double(height), offset: 0)
    return bilinearSample(columns: columns, rows: rows, fill: nil)
  }

  /// Samples the image on the grid given by `columns` x `rows`; where `fill` is given,
  /// output pixels whose centre lies outside the source get `fill` instead.
  func bilinearSample(columns: LinearTaps, rows: LinearTaps, fill: [Float]?) -> Image {
    let c = channels
    let outWidth = columns.lower.count
    let outHeight = rows.lower.count
    let rowLength = width * c
    let count = outWidth * outHeight * c
    // Every output sample is written (fill or interpolation), so storage starts uninitialised.
    let output = [Float](unsafeUninitializedCapacity: count) { out, initialized in
      pixels.withUnsafeBufferPointer { source in
        for v in 0..<outHeight {
          let top = source.baseAddress! + rows.lower[v] * rowLength
          let bottom = source.baseAddress! + rows.upper[v] * rowLength
          let wy = rows.weight[v]
          let rowInside = rows.isInside[v]
          let target = out.baseAddress! + v * outWidth * c
          for u in 0..<outWidth {
            let o = u * c
            if let fill, !(rowInside && columns.isInside[u]) {
              for channel in 0..<c { target[o + channel] = fill[channel] }
              continue
            }
            let l = columns.lower[u] * c
            let r = columns.upper[u] * c
            let wx = columns.weight[u]
            for channel in 0..<c {
              let a = top[l + channel]
              let b = top[r + channel]
              let d = bottom[l + channel]
              let e = bottom[r + channel]
              let upperRow = a + wx * (b - a)
              let lowerRow = d + wx * (e - d)
              target[o + channel] = upperRow + wy * (lowerRow - upperRow)
            }
          }
        }
      }
      initialized = count
    }
    return Image(width: outWidth, height: outHeight, channels: c, pixels: output)
  }
}
