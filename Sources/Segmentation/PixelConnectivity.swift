/// Which neighbours of a pixel share an edge in a pixel grid graph.
///
/// Used by ``FelzenszwalbSegmentation/connectivity``: the paper and scikit-image's
/// `felzenszwalb` join each pixel to its 8 neighbours (``eight``, about 4 edges per pixel);
/// OpenCV's `createGraphSegmentation` joins it to its 4 horizontal and vertical neighbours
/// only (``four``, about 2 edges per pixel).
public enum PixelConnectivity: Int, Sendable, Equatable, Hashable, CaseIterable {
  /// Horizontal and vertical neighbours (OpenCV's graph).
  case four = 4
  /// Horizontal, vertical and diagonal neighbours (the paper's and scikit-image's graph).
  case eight = 8
}
