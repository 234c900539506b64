/// Bilinearly samples each region of interest onto a fixed grid without quantisation
/// (He et al. 2017, Mask R-CNN; torchvision's `roi_align`).
///
/// Each of the `outH x outW` bins averages `samplingRatio²` bilinear samples placed at
/// `start + p * bin + (i + 0.5) * bin / samplingRatio`. With `aligned` the box is shifted by
/// half a cell so that pixel-edge boxes sample pixel centres; without it, boxes are at least
/// one cell wide (the legacy behaviour). Samples beyond one cell outside the map count as 0.
///
///     let pooled = roiAlign(features, rois: rois, outputHeight: 7, outputWidth: 7,
///                           spatialScale: 1.0 / 16, samplingRatio: 2, aligned: true)
///
/// The kernel computes each sample's four weights once per bin and reuses them for every
/// channel; ``roiAlignReference(_:rois:outputHeight:outputWidth:spatialScale:samplingRatio:aligned:)``
/// recomputes them per value and is kept to test it.
///
/// - Parameters:
///   - features: `[N, C, H, W]` feature map.
///   - rois: `[K, 5]` rows `(batchIndex, x1, y1, x2, y2)` in input-image pixels.
///   - outputHeight: Default: 7.
///   - outputWidth: Default: 7.
///   - spatialScale: feature cells per image pixel (1/16 for a stride-16 map).
///   - samplingRatio: samples per bin side; 0 means `ceil(roi size / output size)` per roi. Default: 2.
///   - aligned: shift by -0.5 cell (Detectron2's `ROIAlignV2`). Default: true.
/// - Returns: `[K, C, outputHeight, outputWidth]`.
/// - Complexity: O(K * C * outH * outW * samplingRatio²). Checked against torchvision
///   (goldens `roi_ops.json`, aligned true and false).
public func roiAlign(
  _ features: Tensor, rois: Tensor, outputHeight: Int = 7, outputWidth: Int = 7,
  spatialScale: Float,
  samplingRatio: Int = 2, aligned: Bool = true
) -> Tensor {
  let plan = RoIAlignPlan(
    featureShape: features.shape, rois: rois, outputHeight: outputHeight, outputWidth: outputWidth,
    spatialScale: spatialScale, samplingRatio: samplingRatio, aligned: aligned)
  let channels = features.shape[1], plane = features.shape[2] * features.shape[3]
  let bins = outputHeight * outputWidth
  var output = Tensor(zeros: [rois.shape[0], channels, outputHeight, outputWidth])
  features.data.withUnsafeBufferPointer { x in
    output.data.withUnsafeMutableBufferPointer { y in
      for roi in 0..<plan.roiCount {
        let samples = plan.samples[roi]
        let perBin = plan.samplesPerBin[roi]
        let count = Float(max(perBin, 1))
        for channel in 0..<channels {
          let source = x.baseAddress! + (plan.batchIndices[roi] * channels + channel) * plane
          let destination = y.baseAddress! + (roi * channels + channel) * bins
          for bin in 0..<bins {
            var sum: Float = 0
            for sample in samples[(bin * perBin)..<((bin + 1) * perBin)] {
              sum +=
                sample.w1 * source[sample.i1] + sample.w2 * source[sample.i2]
                + sample.w3 * source[sample.i3] + sample.w4 * source[sample.i4]
            }
            destination[bin] = sum / count
          }
        }
      }
    }
  }
  return output
}

/// dLoss/dFeatures of ``roiAlign(_:rois:outputHeight:outputWidth:spatialScale:samplingRatio:aligned:)``:
/// each bin's upstream value, divided by the sample count, is scattered with the bilinear weights.
///
/// - Parameters:
///   - gradientOutput: `[K, C, outH, outW]`.
///   - rois: As in the forward call.
///   - featureShape: `[N, C, H, W]` of the forward input.
///   - outputHeight: As in the forward call.
///   - outputWidth: As in the forward call.
///   - spatialScale: As in the forward call.
///   - samplingRatio: As in the forward call.
///   - aligned: As in the forward call.
/// - Returns: `[N, C, H, W]`, accumulated in a fixed order (roi, channel, bin, sample).
public func roiAlignBackward(
  _ gradientOutput: Tensor, rois: Tensor, featureShape: [Int], outputHeight: Int = 7,
  outputWidth: Int = 7,
  spatialScale: Float, samplingRatio: Int = 2, aligned: Bool = true
) -> Tensor {
  let plan = RoIAlignPlan(
    featureShape: featureShape, rois: rois, outputHeight: outputHeight, outputWidth: outputWidth,
    spatialScale: spatialScale, samplingRatio: samplingRatio, aligned: aligned)
  let channels = featureShape[1], plane = featureShape[2] * featureShape[3]
  let bins = outputHeight * outputWidth
  precondition(
    gradientOutput.shape == [rois.shape[0], channels, outputHeight, outputWidth],
    "roiAlignBackward: gradient shape \(gradientOutput.shape)")
  var gradient = Tensor(zeros: featureShape)
  gradientOutput.data.withUnsafeBufferPointer { dy in
    gradient.data.withUnsafeMutableBufferPointer { dx in
      for roi in 0..<plan.roiCount {
        let samples = plan.samples[roi]
        let perBin = plan.samplesPerBin[roi]
        let count = Float(max(perBin, 1))
        for channel in 0..<channels {
          let destination = dx.baseAddress! + (plan.batchIndices[roi] * channels + channel) * plane
          let source = dy.baseAddress! + (roi * channels + channel) * bins
          for bin in 0..<bins {
            let share = source[bin] / count
            for sample in samples[(bin * perBin)..<((bin + 1) * perBin)] where sample.isInside {
              destination[sample.i1] += share * sample.w1
              destination[sample.i2] += share * sample.w2
              destination[sample.i3] += share * sample.w3
              destination[sample.i4] += share * sample.w4
            }
          }
        }
      }
    }
  }
  return gradient
}

/// One bilinear sample: four plane offsets and their weights (all 0 outside the map).
struct BilinearSample: Sendable {
  var i1 = 0, i2 = 0, i3 = 0, i4 = 0
  var w1: Float = 0, w2: Float = 0, w3: Float = 0, w4: Float = 0
  var isInside = false

  /// torchvision's `bilinear_interpolate` weights for the point `(y, x)` on an `H x W` plane.
  init(y: Float, x: Float, height: Int, width: Int) {
    if y < -1 || y > Float(height) || x < -1 || x > Float(width) { return }
    var y = max(y, 0), x = max(x, 0)
    var yLow = Int(y), xLow = Int(x)
    var yHigh: Int, xHigh: Int
    if yLow >= height - 1 {
      yLow = height - 1
      yHigh = yLow
      y = Float(yLow)
    } else {
      yHigh = yLow + 1
    }
    if xLow >= width - 1 {
      xLow = width - 1
      xHigh = xLow
      x = Float(xLow)
    } else {
      xHigh = xLow + 1
    }
    let ly = y - Float(yLow), lx = x - Float(xLow)
    let hy = 1 - ly, hx = 1 - lx
    i1 = yLow * width + xLow
    i2 = yLow * width + xHigh
    i3 = yHigh * width + xLow
    i4 = yHigh * width + xHigh
    w1 = hy * hx
    w2 = hy * lx
    w3 = ly * hx
    w4 = ly * lx
    isInside = true
  }
}

/// The sample positions and weights of every bin of every roi (shared by all channels).
struct RoIAlignPlan {
  var roiCount: Int
  var batchIndices: [Int]
  var samplesPerBin: [Int]
  /// Per roi: `bins * samplesPerBin` samples, bin-major.
  var samples: [[BilinearSample]]

  init(
    featureShape: [Int], rois: Tensor, outputHeight: Int, outputWidth: Int, spatialScale: Float,
    samplingRatio: Int, aligned: Bool
  ) {
    precondition(featureShape.count == 4, "roiAlign: features \(featureShape) are not NCHW")
    precondition(
      rois.rank == 2 && rois.shape[1] == 5, "roiAlign: rois \(rois.shape) are not [K, 5]")
    precondition(
      outputHeight >= 1 && outputWidth >= 1 && samplingRatio >= 0,
      "roiAlign: output \(outputHeight)x\(outputWidth), sampling ratio \(samplingRatio)")
    let height = featureShape[2], width = featureShape[3]
    let offset: Float = aligned ? 0.5 : 0
    roiCount = rois.shape[0]
    batchIndices = []
    samplesPerBin = []
    samples = []
    for roi in 0..<roiCount {
      let row = roi * 5
      let batchIndex = Int(rois.data[row])
      precondition(
        batchIndex >= 0 && batchIndex < featureShape[0],
        "roiAlign: roi \(roi) names batch \(batchIndex)")
      let startX = rois.data[row + 1] * spatialScale - offset
      let startY = rois.data[row + 2] * spatialScale - offset
      var roiWidth = rois.data[row + 3] * spatialScale - offset - startX
      var roiHeight = rois.data[row + 4] * spatialScale - offset - startY
      if !aligned {
        roiWidth = max(roiWidth, 1)
        roiHeight = max(roiHeight, 1)
      }
      let binHeight = roiHeight / Float(outputHeight), binWidth = roiWidth / Float(outputWidth)
      let gridH =
        samplingRatio > 0 ? samplingRatio : Int((roiHeight / Float(outputHeight)).rounded(.up))
      let gridW =
        samplingRatio > 0 ? samplingRatio : Int((roiWidth / Float(outputWidth)).rounded(.up))
      var roiSamples: [BilinearSample] = []
      roiSamples.reserveCapacity(outputHeight * outputWidth * gridH * gridW)
      for ph in 0..<outputHeight {
        for pw in 0..<outputWidth {
          for iy in 0..<gridH {
            let y = startY + Float(ph) * binHeight + (Float(iy) + 0.5) * binHeight / Float(gridH)
            for ix in 0..<gridW {
              let x = startX + Float(pw) * binWidth + (Float(ix) + 0.5) * binWidth / Float(gridW)
              roiSamples.append(BilinearSample(y: y, x: x, height: height, width: width))
            }
          }
        }
      }
      batchIndices.append(batchIndex)
      samplesPerBin.append(gridH * gridW)
      samples.append(roiSamples)
    }
  }
}

/// The direct RoIAlign: recomputes every bilinear sample for every channel (slow; kept to
/// test ``roiAlign(_:rois:outputHeight:outputWidth:spatialScale:samplingRatio:aligned:)``).
///
/// - Parameters: as ``roiAlign(_:rois:outputHeight:outputWidth:spatialScale:samplingRatio:aligned:)``.
/// - Returns: `[K, C, outputHeight, outputWidth]`.
public func roiAlignReference(
  _ features: Tensor, rois: Tensor, outputHeight: Int = 7, outputWidth: Int = 7,
  spatialScale: Float,
  samplingRatio: Int = 2, aligned: Bool = true
) -> Tensor {
  let channels = features.shape[1], height = features.shape[2], width = features.shape[3]
  let offset: Float = aligned ? 0.5 : 0
  var output = Tensor(zeros: [rois.shape[0], channels, outputHeight, outputWidth])
  for roi in 0..<rois.shape[0] {
    let r = Array(rois.data[(roi * 5)..<(roi * 5 + 5)])
    let n = Int(r[0])
    let startX = r[1] * spatialScale - offset, startY = r[2] * spatialScale - offset
    var roiWidth = r[3] * spatialScale - offset - startX,
      roiHeight = r[4] * spatialScale - offset - startY
    if !aligned { roiWidth = max(roiWidth, 1); roiHeight = max(roiHeight, 1) }
    let binH = roiHeight / Float(outputHeight), binW = roiWidth / Float(outputWidth)
    let gridH =
      samplingRatio > 0 ? samplingRatio : Int((roiHeight / Float(outputHeight)).rounded(.up))
    let gridW =
      samplingRatio > 0 ? samplingRatio : Int((roiWidth / Float(outputWidth)).rounded(.up))
    for c in 0..<channels {
      for ph in 0..<outputHeight {
        for pw in 0..<outputWidth {
          var sum: Float = 0
          for iy in 0..<gridH {
            for ix in 0..<gridW {
              let y = startY + Float(ph) * binH + (Float(iy) + 0.5) * binH / Float(gridH)
              let x = startX + Float(pw) * binW + (Float(ix) + 0.5) * binW / Float(gridW)
              let s = BilinearSample(y: y, x: x, height: height, width: width)
              if !s.isInside { continue }
              let v = { (i: Int) in features.data[((n * channels + c) * height * width) + i] }
              sum += s.w1 * v(s.i1) + s.w2 * v(s.i2) + s.w3 * v(s.i3) + s.w4 * v(s.i4)
            }
          }
          output[roi, c, ph, pw] = sum / Float(max(gridH * gridW, 1))
        }
      }
    }
  }
  return output
}

/// A thin layer around ``roiAlign(_:rois:outputHeight:outputWidth:spatialScale:samplingRatio:aligned:)``
/// that stores its settings and what backward needs.
///
///     var align = RoIAlign(outputHeight: 7, outputWidth: 7, spatialScale: 1.0 / 16)
///     let y = align.forward(features, rois: rois)
///     let dFeatures = align.backward(dy)
public struct RoIAlign: Sendable {
  /// Default: 7.
  public var outputHeight: Int
  /// Default: 7.
  public var outputWidth: Int
  /// Feature cells per image pixel.
  public var spatialScale: Float
  /// Samples per bin side (0: adaptive). Default: 2.
  public var samplingRatio: Int
  /// Half-cell shift. Default: true.
  public var aligned: Bool
  private var saved: (rois: Tensor, featureShape: [Int])?

  /// Creates the layer; parameters as in the function.
  public init(
    outputHeight: Int = 7, outputWidth: Int = 7, spatialScale: Float, samplingRatio: Int = 2,
    aligned: Bool = true
  ) {
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    self.spatialScale = spatialScale
    self.samplingRatio = samplingRatio
    self.aligned = aligned
  }

  /// Pools `rois` (`[K, 5]`) from `features` (`[N, C, H, W]`).
  public mutating func forward(_ features: Tensor, rois: Tensor) -> Tensor {
    saved = (rois, features.shape)
    return roiAlign(
      features, rois: rois, outputHeight: outputHeight, outputWidth: outputWidth,
      spatialScale: spatialScale,
      samplingRatio: samplingRatio, aligned: aligned)
  }

  /// dLoss/dFeatures for the last forward call.
  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let saved else { preconditionFailure("RoIAlign.backward called before forward") }
    return roiAlignBackward(
      gradientOutput, rois: saved.rois, featureShape: saved.featureShape,
      outputHeight: outputHeight,
      outputWidth: outputWidth, spatialScale: spatialScale, samplingRatio: samplingRatio,
      aligned: aligned)
  }
}
