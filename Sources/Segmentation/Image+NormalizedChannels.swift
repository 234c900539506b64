import Imaging

extension Image {
  /// This image converted to `space` with every channel mapped affinely from
  /// ``/Imaging/ColorSpace/channelRanges`` onto `[0, 1]`, so that distances (and thresholds
  /// in 0–255 units) mean the same in every colour space. RGB is returned unchanged.
  ///
  /// Each channel is then multiplied by its entry of `weights` (one per channel of `space`;
  /// `nil` for all 1). Single-channel images are returned unchanged whatever `space` and
  /// `weights` are (taken as already in `[0, 1]`).
  func normalizedChannels(in space: ColorSpace, weights: [Float]? = nil) -> Image {
    guard channels == 3 else { return self }
    var converted = self.converted(to: space)
    let ranges = space.channelRanges
    let weights = weights ?? [Float](repeating: 1, count: ranges.count)
    if ranges.allSatisfy({ $0.lowerBound == 0 && $0.upperBound == 1 })
      && weights.allSatisfy({ $0 == 1 })
    {
      return converted
    }
    let c = converted.channels
    let offsets = ranges.map { $0.lowerBound }
    let scales = zip(ranges, weights).map { range, weight in
      weight / (range.upperBound - range.lowerBound)
    }
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

  /// Rounds every sample to the nearest multiple of 1/255 (halves away from zero): the
  /// values an 8-bit image holds for samples in `[0, 1]`.
  mutating func roundToEightBits() {
    pixels.withUnsafeMutableBufferPointer { samples in
      for i in samples.indices { samples[i] = (samples[i] * 255).rounded() / 255 }
    }
  }
}
