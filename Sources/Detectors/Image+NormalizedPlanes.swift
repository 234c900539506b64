import Imaging

extension Image {
  /// The image as planar `[3, height, width]` values `(v - mean[c]) / std[c]` (a network
  /// input); a grey image repeats its one channel, alpha is dropped.
  ///
  /// - Parameters:
  ///   - mean: Per-channel mean of RGB values in `[0, 1]` (3 values).
  ///   - std: Per-channel standard deviation (3 positive values).
  /// - Complexity: O(width · height).
  public func normalizedPlanes(mean: [Float], std: [Float]) -> [Float] {
    let plane = width * height
    var planes = [Float](repeating: 0, count: 3 * plane)
    let step = channels
    for index in 0..<plane {
      for channel in 0..<3 {
        let value = pixels[index * step + (step >= 3 ? channel : 0)]
        planes[channel * plane + index] = (value - mean[channel]) / std[channel]
      }
    }
    return planes
  }
}
