import Boxes

/// What ``Image/cropAndWarp(box:to:contextPadding:fill:)`` writes where the enlarged box
/// leaves the image.
public enum WarpFill: Sendable, Equatable {
  /// The image's mean colour (``Image/meanColor()``), as R-CNN does: after mean
  /// subtraction the outside becomes zero input to the network.
  case mean
  /// A given colour, one value per channel.
  case color([Float])
}

extension Image {
  /// Crops a box with surrounding context and warps it to a fixed size, as R-CNN prepares
  /// region proposals for its CNN (Girshick et al. 2014, appendix A, "warp" with context
  /// padding p).
  ///
  /// The box is mapped anisotropically onto the output's inner rectangle
  /// `[p, width - p) x [p, height - p)`, so that the `p`-pixel output border shows the
  /// image context around the box at the same scale. Each output pixel is sampled
  /// bilinearly at its centre (align corners false, the same sampling as
  /// ``resized(width:height:)``); output pixels whose centre falls outside the image get
  /// the fill colour.
  ///
  ///     let patch = image.cropAndWarp(box: proposal, to: (width: 227, height: 227))
  ///
  /// - Parameters:
  ///   - box: The region, in pixel-edge coordinates of this image (it may extend past the
  ///     image). A degenerate box (`Box.isDegenerate`: NaN or infinite corners,
  ///     zero or negative width or height) gives an image filled entirely with `fill`.
  ///   - size: Output width and height, in pixels; each must exceed `2 * contextPadding`.
  ///   - contextPadding: The paper's *p*: output pixels of context on each side of the
  ///     box. `0` warps the box alone. Default: `16`.
  ///   - fill: The colour outside the image. Default: `.mean` (computed on every call;
  ///     when warping many boxes of one image, pass `.color(image.meanColor())` instead).
  /// - Returns: An image of `size` with this image's channel count.
  /// - Complexity: O(*n*) for *n* output samples, plus O(image) for `.mean`.
  ///
  /// Differences from the paper's code: R-CNN rounds the enlarged box to whole pixels and
  /// resizes the clipped crop into a rounded sub-window; here the geometry stays
  /// continuous, so there is no half-pixel shift and `box` equal to the whole image with
  /// `contextPadding: 0` gives exactly ``resized(width:height:)``.
  ///
  /// Reference: R. Girshick, J. Donahue, T. Darrell, J. Malik, "Rich feature hierarchies for
  /// accurate object detection and semantic segmentation", CVPR 2014, appendix A.
  /// <https://arxiv.org/abs/1311.2524>
  public func cropAndWarp(
    box: Box, to size: (width: Int, height: Int), contextPadding: Int = 16,
    fill: WarpFill = .mean
  ) -> Image {
    precondition(contextPadding >= 0, "cropAndWarp: contextPadding \(contextPadding) must be >= 0")
    precondition(
      size.width > 2 * contextPadding && size.height > 2 * contextPadding,
      "cropAndWarp: size \(size.width)x\(size.height) has no room inside padding "
        + "\(contextPadding)")
    let fillColor: [Float]
    switch fill {
    case .mean:
      fillColor = meanColor()
    case .color(let color):
      precondition(
        color.count == channels,
        "cropAndWarp: fill has \(color.count) values for \(channels) channels")
      fillColor = color
    }
    if box.isDegenerate {
      var pixels = [Float](repeating: 0, count: size.width * size.height * channels)
      for p in 0..<(size.width * size.height) {
        for channel in 0..<channels { pixels[p * channels + channel] = fillColor[channel] }
      }
      return Image(width: size.width, height: size.height, channels: channels, pixels: pixels)
    }
    let padding = Double(contextPadding)
    let columns = LinearTaps(
      outputCount: size.width, sourceCount: width, origin: Double(box.x1),
      scale: Double(box.width) / Double(size.width - 2 * contextPadding), offset: padding)
    let rows = LinearTaps(
      outputCount: size.height, sourceCount: height, origin: Double(box.y1),
      scale: Double(box.height) / Double(size.height - 2 * contextPadding), offset: padding)
    return bilinearSample(columns: columns, rows: rows, fill: fillColor)
  }
}
