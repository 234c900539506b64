import Imaging

/// Binary edges by Canny's method: Gaussian blur, Sobel or Scharr gradients (strongest
/// channel per pixel), non-maximum suppression, then hysteresis between two thresholds.
///
/// Ridge pixels at least `highThreshold` strong seed edges; an edge grows through
/// 8-connected ridge pixels at least `lowThreshold` strong, so faint parts of a contour
/// survive when they connect to a strong part and isolated faint responses do not.
///
///     let edges = try CannyEdgeDetector(sigma: 1, lowThreshold: 0.1, highThreshold: 0.2)
///       .edges(in: image)
///     let picture = Image(edges)               // 0 or 1 per pixel
///
/// Thresholds are in the contrast units of ``EdgeMap`` (a full black-to-white straight step
/// before blurring has strength 1), so the defaults 0.1 and 0.2 correspond to OpenCV's common
/// `Canny(image, 100, 200)` on 8-bit images (whose Sobel step response is 4 · 255 ≈ 1000).
/// Differences from the paper: the derivative is a 3x3 Sobel/Scharr after the Gaussian rather
/// than a derivative of Gaussian; colour images use the strongest channel per pixel. Checked
/// on synthetic shapes (closed one-pixel contours, hysteresis keeping a connected faint
/// segment and dropping an isolated one).
///
/// Reference: J. Canny, "A Computational Approach to Edge Detection", IEEE TPAMI 8(6), 1986.
/// <https://doi.org/10.1109/TPAMI.1986.4767851>
public struct CannyEdgeDetector: Sendable, Equatable {
  /// Standard deviation of the Gaussian pre-blur, in pixels.
  public var sigma: Float
  /// Weakest ridge strength that can continue an edge, in `[0, 1]` contrast units.
  public var lowThreshold: Float
  /// Weakest ridge strength that can start an edge, in `[0, 1]` contrast units.
  public var highThreshold: Float
  /// The 3x3 derivative operator.
  public var `operator`: GradientOperator

  /// Creates a detector; parameters are checked by ``edges(in:)``.
  ///
  /// - Parameters:
  ///   - sigma: Blur standard deviation in pixels, finite and `>= 0`. Default: `1`
  ///     (scikit-image's `canny`).
  ///   - lowThreshold: Hysteresis low threshold, in `[0, highThreshold]`. Default: `0.1`.
  ///   - highThreshold: Hysteresis high threshold, in `[lowThreshold, 1]`. Default: `0.2`.
  ///   - operator: Sobel or Scharr. Default: `.sobel`.
  public init(
    sigma: Float = 1, lowThreshold: Float = 0.1, highThreshold: Float = 0.2,
    operator: GradientOperator = .sobel
  ) {
    self.sigma = sigma
    self.lowThreshold = lowThreshold
    self.highThreshold = highThreshold
    self.operator = `operator`
  }

  /// Detects edges in an image.
  ///
  /// - Parameter image: Any channel count, values nominally in `[0, 1]`.
  /// - Returns: An edge map whose strength is 1 on edge pixels and 0 elsewhere; edge pixels
  ///   keep their gradient orientation.
  /// - Throws: ``EdgesError/invalidParameter(detector:field:value:expected:)`` for a
  ///   `sigma` outside `[0, Image.maximumBlurSigma]`, or thresholds outside `0 <= low <= high <= 1`.
  /// - Complexity: O(*n* · (*c* + *r*)) for *n* pixels, *c* channels and blur radius *r*.
  public func edges(in image: Image) throws(EdgesError) -> EdgeMap {
    let name = "CannyEdgeDetector"
    guard sigma.isFinite && sigma >= 0 && sigma <= Image.maximumBlurSigma else {
      throw .invalidParameter(
        detector: name, field: "sigma", value: "\(sigma)",
        expected: "a value in [0, \(Image.maximumBlurSigma)]")
    }
    guard lowThreshold >= 0 && lowThreshold <= highThreshold else {
      throw .invalidParameter(
        detector: name, field: "lowThreshold", value: "\(lowThreshold)",
        expected: "a value in [0, highThreshold = \(highThreshold)]")
    }
    guard highThreshold <= 1 else {
      throw .invalidParameter(
        detector: name, field: "highThreshold", value: "\(highThreshold)", expected: "a value <= 1")
    }
    let ridges = EdgeMap(gradientsOf: image, operator: `operator`, sigma: sigma)
      .nonMaximumSuppressed()
    return ridges.hysteresis(low: lowThreshold, high: highThreshold)
  }
}

extension EdgeMap {
  /// Keeps the 8-connected components of pixels `>= low` that contain a pixel `>= high`;
  /// kept pixels get strength 1, the others 0 (and orientation 0).
  func hysteresis(low: Float, high: Float) -> EdgeMap {
    let w = width, h = height
    var edge = [Float](repeating: 0, count: strength.count)
    var keptOrientation = [Float](repeating: 0, count: strength.count)
    var stack: [Int] = []
    strength.withUnsafeBufferPointer { m in
      for seed in 0..<m.count where m[seed] >= high && m[seed] > 0 && edge[seed] == 0 {
        edge[seed] = 1
        stack.append(seed)
        while let p = stack.popLast() {
          keptOrientation[p] = orientation[p]
          let x = p % w, y = p / w
          for ny in max(0, y - 1)...min(h - 1, y + 1) {
            for nx in max(0, x - 1)...min(w - 1, x + 1) {
              let q = ny * w + nx
              if edge[q] == 0 && m[q] >= low && m[q] > 0 {
                edge[q] = 1
                stack.append(q)
              }
            }
          }
        }
      }
    }
    return EdgeMap(width: w, height: h, strength: edge, orientation: keptOrientation)
  }
}
