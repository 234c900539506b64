import Imaging
import NeuralNet

extension HOGDescriptor: RegionFeatureExtractor {
  /// `"HOG (9 orientations, 8 px cells, 2x2-cell blocks)"`.
  public var summary: String {
    "HOG (\(orientations) orientations, \(cellSize) px cells, \(blockSize)x\(blockSize)-cell blocks)"
  }

  /// The HOG descriptor of every crop of a batch, as the single-image `features(of:)` computes it.
  ///
  /// - Parameter regions: `[R, C, H, W]`, any channel count and value range.
  /// - Returns: `[R, d]` with `d` = ``featureCount(width:height:)``.
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` when `regions` is
  ///   not a 4-D batch or no HOG block fits in its crops.
  /// - Complexity: O(R · H · W · C).
  public func features(of regions: Tensor) throws -> Tensor {
    guard regions.rank == 4 else {
      throw DetectorsError.malformedClassification(
        classifier: "HOGDescriptor",
        reason: "regions have shape \(regions.shape), expected [R, C, H, W]")
    }
    let (count, channels, height, width) = (
      regions.shape[0], regions.shape[1], regions.shape[2], regions.shape[3]
    )
    let d = featureCount(width: width, height: height)
    guard d > 0 else {
      throw DetectorsError.malformedClassification(
        classifier: "HOGDescriptor",
        reason:
          "a \(width)x\(height) crop holds no block of \(blockSize)x\(blockSize) cells of \(cellSize) px"
      )
    }
    var output = [Float](repeating: 0, count: count * d)
    let plane = height * width
    var pixels = [Float](repeating: 0, count: channels * plane)
    for r in 0..<count {
      let base = r * channels * plane
      for c in 0..<channels {
        for p in 0..<plane { pixels[p * channels + c] = regions.data[base + c * plane + p] }
      }
      let vector = features(
        of: Image(width: width, height: height, channels: channels, pixels: pixels))
      output.replaceSubrange((r * d)..<((r + 1) * d), with: vector)
    }
    return Tensor(shape: [count, d], data: output)
  }
}
