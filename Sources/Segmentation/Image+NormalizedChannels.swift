import Imaging

extension Image {
  /// This image converted to `space` with every channel mapped affinely from
  /// ``Imaging/ColorSpace/channelRanges`` onto `[0, 1]`, so that distances (and thresholds
  /// in 0–255 units) mean the same in every colour space. RGB is returned unchanged.
  ///
  /// Single-channel images are returned unchanged whatever `space` is (taken as already in
  /// `[0, 1]`).
  func normalizedChannels(in space: ColorSpace) -> Image {
    guard channels == 3 else { return self }
    var converted = self.converted(to: space)
    let ranges = space.channelRanges
    if ranges.allSatisfy({ $0.lowerBound == 0 && $0.upperBound == 1 }) { return converted }
    let c = converted.channels
    let offsets = ranges.map { $0.lowerBound }
    let scales = ranges.map { 1 / ($0.upperBound - $0.lowerBound) }
    converted.pixels.withUnsafeMutableBufferPointer { samples in
      var i = 0
      while i < samples.count {
        for channel in 0..<c {
          samples[i + channel] = (samples[i + channel] - offsets[channel]) * scales[channel]
        }
        i += c
      }
    }
    return converted
  }
}
