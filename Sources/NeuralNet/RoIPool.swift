/// Max-pools each region of interest onto a fixed grid with Fast R-CNN's quantisation
/// (Girshick 2015; torchvision's `roi_pool`).
///
/// Box corners are scaled and rounded half away from zero onto the feature grid, the box
/// gets the legacy inclusive `+1` size (at least 1x1), and bin `p` covers cells
/// `[floor(p * size / out), ceil((p + 1) * size / out))` clipped to the map. Empty bins give 0
/// and no gradient; ties keep the first maximum (rows, then columns).
///
///     let pooled = roiPool(features, rois: rois, outputHeight: 7, outputWidth: 7, spatialScale: 1.0 / 16)
///
/// - Parameters:
///   - features: `[N, C, H, W]` feature map.
///   - rois: `[K, 5]` rows `(batchIndex, x1, y1, x2, y2)` in input-image pixels.
///   - outputHeight: bins per column. Default: 7.
///   - outputWidth: bins per row. Default: 7.
///   - spatialScale: feature cells per image pixel (1/16 for a stride-16 map).
/// - Returns: `[K, C, outputHeight, outputWidth]` and, for
///   ``roiPoolBackward(_:rois:argmax:featureShape:)``, the flat argmax within each feature
///   plane (-1 for empty bins).
/// - Complexity: O(K * C * box area). Checked against torchvision (goldens `roi_ops.json`).
public func roiPoolWithArgmax(
  _ features: Tensor, rois: Tensor, outputHeight: Int = 7, outputWidth: Int = 7, spatialScale: Float
) -> (output: Tensor, argmax: [Int32]) {
  precondition(features.rank == 4, "roiPool: features \(features.shape) are not NCHW")
  precondition(rois.rank == 2 && rois.shape[1] == 5, "roiPool: rois \(rois.shape) are not [K, 5]")
  let channels = features.shape[1], height = features.shape[2], width = features.shape[3]
  let count = rois.shape[0]
  var output = Tensor(zeros: [count, channels, outputHeight, outputWidth])
  var argmax = [Int32](repeating: -1, count: output.count)
  for roi in 0..<count {
    let row = roi * 5
    let batchIndex = Int(rois.data[row])
    precondition(
      batchIndex >= 0 && batchIndex < features.shape[0],
      "roiPool: roi \(roi) names batch \(batchIndex)")
    let startX = Int((rois.data[row + 1] * spatialScale).rounded())
    let startY = Int((rois.data[row + 2] * spatialScale).rounded())
    let endX = Int((rois.data[row + 3] * spatialScale).rounded())
    let endY = Int((rois.data[row + 4] * spatialScale).rounded())
    let roiWidth = max(endX - startX + 1, 1), roiHeight = max(endY - startY + 1, 1)
    let binHeight = Float(roiHeight) / Float(outputHeight)
    let binWidth = Float(roiWidth) / Float(outputWidth)
    for channel in 0..<channels {
      let plane = (batchIndex * channels + channel) * height * width
      for ph in 0..<outputHeight {
        let hStart = min(max(Int((Float(ph) * binHeight).rounded(.down)) + startY, 0), height)
        let hEnd = min(max(Int((Float(ph + 1) * binHeight).rounded(.up)) + startY, 0), height)
        for pw in 0..<outputWidth {
          let wStart = min(max(Int((Float(pw) * binWidth).rounded(.down)) + startX, 0), width)
          let wEnd = min(max(Int((Float(pw + 1) * binWidth).rounded(.up)) + startX, 0), width)
          let out = ((roi * channels + channel) * outputHeight + ph) * outputWidth + pw
          if hEnd <= hStart || wEnd <= wStart { continue }
          var best = -Float.greatestFiniteMagnitude
          var bestIndex = -1
          for y in hStart..<hEnd {
            for x in wStart..<wEnd where features.data[plane + y * width + x] > best {
              best = features.data[plane + y * width + x]
              bestIndex = y * width + x
            }
          }
          output.data[out] = best
          argmax[out] = Int32(bestIndex)
        }
      }
    }
  }
  return (output, argmax)
}

/// RoI max pooling without the argmax; see ``roiPoolWithArgmax(_:rois:outputHeight:outputWidth:spatialScale:)``.
///
/// - Returns: `[K, C, outputHeight, outputWidth]`.
public func roiPool(
  _ features: Tensor, rois: Tensor, outputHeight: Int = 7, outputWidth: Int = 7, spatialScale: Float
) -> Tensor {
  roiPoolWithArgmax(
    features, rois: rois, outputHeight: outputHeight, outputWidth: outputWidth,
    spatialScale: spatialScale
  ).output
}

/// dLoss/dFeatures of RoI max pooling: each upstream value goes to its bin's argmax cell.
///
/// - Parameters:
///   - gradientOutput: `[K, C, outH, outW]`.
///   - rois: the `[K, 5]` rois of the forward call (for their batch index).
///   - argmax: from ``roiPoolWithArgmax(_:rois:outputHeight:outputWidth:spatialScale:)``.
///   - featureShape: `[N, C, H, W]` of the forward input.
/// - Returns: `[N, C, H, W]`, accumulated in roi order.
public func roiPoolBackward(
  _ gradientOutput: Tensor, rois: Tensor, argmax: [Int32], featureShape: [Int]
) -> Tensor {
  precondition(
    gradientOutput.count == argmax.count,
    "roiPoolBackward: gradient \(gradientOutput.shape) does not match the argmax")
  let channels = featureShape[1], plane = featureShape[2] * featureShape[3]
  let bins = gradientOutput.shape[2] * gradientOutput.shape[3]
  var gradient = Tensor(zeros: featureShape)
  for index in 0..<argmax.count where argmax[index] >= 0 {
    let roi = index / (channels * bins)
    let channel = (index / bins) % channels
    let batchIndex = Int(rois.data[roi * 5])
    gradient.data[(batchIndex * channels + channel) * plane + Int(argmax[index])] +=
      gradientOutput.data[index]
  }
  return gradient
}

/// A thin layer around ``roiPool(_:rois:outputHeight:outputWidth:spatialScale:)`` that keeps
/// what backward needs.
///
///     var pool = RoIPool(outputHeight: 7, outputWidth: 7, spatialScale: 1.0 / 16)
///     let y = pool.forward(features, rois: rois)
///     let dFeatures = pool.backward(dy)
public struct RoIPool: Sendable {
  /// Bins per column. Default: 7.
  public var outputHeight: Int
  /// Bins per row. Default: 7.
  public var outputWidth: Int
  /// Feature cells per image pixel.
  public var spatialScale: Float
  private var saved: (rois: Tensor, argmax: [Int32], featureShape: [Int])?

  /// Creates the layer; parameters as in ``roiPool(_:rois:outputHeight:outputWidth:spatialScale:)``.
  public init(outputHeight: Int = 7, outputWidth: Int = 7, spatialScale: Float) {
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    self.spatialScale = spatialScale
  }

  /// Pools `rois` (`[K, 5]`) from `features` (`[N, C, H, W]`).
  public mutating func forward(_ features: Tensor, rois: Tensor) -> Tensor {
    let (output, argmax) = roiPoolWithArgmax(
      features, rois: rois, outputHeight: outputHeight, outputWidth: outputWidth,
      spatialScale: spatialScale)
    saved = (rois, argmax, features.shape)
    return output
  }

  /// dLoss/dFeatures for the last forward call.
  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let saved else { preconditionFailure("RoIPool.backward called before forward") }
    return roiPoolBackward(
      gradientOutput, rois: saved.rois, argmax: saved.argmax, featureShape: saved.featureShape)
  }
}
