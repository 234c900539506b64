import Boxes

extension SelectiveSearch {
  /// The combined similarity of two regions for one ``SimilaritySet``: the plain sum of the
  /// chosen measures (Uijlings et al. 2013, eq. 1 with every *a* in {0, 1}), each in `[0, 1]`.
  ///
  /// - colour, texture: histogram intersection `Σ min(h_a, h_b)` of the L1-normalised
  ///   histograms in ``RegionHistograms``;
  /// - size: `1 − (|a| + |b|) / |image|`;
  /// - fill: `1 − (|box(a ∪ b)| − |a| − |b|) / |image|`, with `|box|` the box's area in pixels.
  ///
  /// OpenCV divides the sum by the number of measures; the merge order is the same.
  struct Similarity: Sendable {
    let set: SimilaritySet
    /// Pixels in the image, `|image|`.
    let imageSize: Float

    /// The similarity of the regions in slots `a` and `b`.
    @inline(__always)
    func callAsFunction(
      _ a: Int, _ b: Int, histograms: RegionHistograms, sizes: [Int], boxes: [Box]
    ) -> Float {
      var total: Float = 0
      if set.contains(.colour) { total += histograms.colourIntersection(a, b) }
      if set.contains(.texture) { total += histograms.textureIntersection(a, b) }
      let sizeA = Float(sizes[a]), sizeB = Float(sizes[b])
      if set.contains(.size) { total += 1 - (sizeA + sizeB) / imageSize }
      if set.contains(.fill) {
        let boxA = boxes[a], boxB = boxes[b]
        let width = max(boxA.x2, boxB.x2) - min(boxA.x1, boxB.x1)
        let height = max(boxA.y2, boxB.y2) - min(boxA.y1, boxB.y1)
        total += 1 - (width * height - sizeA - sizeB) / imageSize
      }
      return total
    }
  }
}
