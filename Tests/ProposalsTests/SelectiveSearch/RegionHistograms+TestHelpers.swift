@testable import Proposals

extension RegionHistograms {
  /// The histograms of `regionCount` labelled regions counted in one pass over all pixels:
  /// what selective search builds on one thread, for tests that need histograms of a
  /// hand-made labelling.
  init(
    labels: [Int32], sizes: [Int], regionCount: Int, bins: PixelBins, colour: Bool,
    texture: Bool
  ) {
    var counts = Counts(
      labels: labels, pixels: labels.indices, regionCount: regionCount, bins: bins,
      colour: colour, texture: texture)
    self = counts.normalised(sizes: sizes, channels: bins.channels)
  }
}
