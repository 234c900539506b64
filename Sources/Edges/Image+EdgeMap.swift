import Imaging

extension Image {
  /// A one-channel image of an edge map's strengths, in `[0, 1]`, ready for PNG encoding
  /// (white = strong edge).
  ///
  ///     let picture = Image(try CannyEdgeDetector().edges(in: photo))
  ///
  /// - Parameter edges: The edge map.
  /// - Complexity: O(*n*) for *n* pixels (one copy).
  public init(_ edges: EdgeMap) {
    self.init(width: edges.width, height: edges.height, channels: 1, pixels: edges.strength)
  }
}
