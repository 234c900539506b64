/// A segmentation as one integer label per pixel.
///
/// Labels are dense: every pixel holds a label in `0..<count` and every label occurs.
/// Layout follows ``/Imaging/Image``: row-major, so the label of column `x`, row `y` is
/// `labels[y * width + x]`. The algorithms of this module number labels in raster order of
/// first appearance (the top-left pixel has label 0).
///
///     let map = try FelzenszwalbSegmentation().segment(image).labels
///     let label = map[x: 10, y: 4]
public struct LabelMap: Sendable, Equatable {
  /// Number of columns, at least 1.
  public let width: Int
  /// Number of rows, at least 1.
  public let height: Int
  /// `width * height` labels in row-major order, each in `0..<count`.
  public let labels: [Int32]
  /// Number of distinct labels (segments).
  public let count: Int

  /// Creates a label map from dense labels.
  ///
  /// - Parameters:
  ///   - width: Number of columns, at least 1.
  ///   - height: Number of rows, at least 1.
  ///   - labels: `width * height` labels in row-major order.
  ///   - count: The number of labels; every value in `0..<count` must occur.
  /// - Precondition: sizes agree and the labels are exactly `0..<count` (programmer error
  ///   otherwise; use ``init(width:height:relabelling:)`` for arbitrary integer labels).
  public init(width: Int, height: Int, labels: [Int32], count: Int) {
    precondition(width >= 1 && height >= 1, "LabelMap: empty size \(width)x\(height)")
    precondition(
      labels.count == width * height, "LabelMap: \(labels.count) labels for \(width)x\(height)")
    var seen = [Bool](repeating: false, count: max(count, 0))
    for label in labels {
      precondition(
        label >= 0 && Int(label) < count, "LabelMap: label \(label) lies outside 0..<\(count)")
      seen[Int(label)] = true
    }
    precondition(!seen.contains(false), "LabelMap: a label in 0..<\(count) does not occur")
    self.width = width
    self.height = height
    self.labels = labels
    self.count = count
  }

  /// Creates a dense label map from arbitrary labels, renumbering them `0, 1, …` in raster
  /// order of first appearance. Pixels with equal input labels get equal output labels.
  ///
  ///     let map = LabelMap(width: 3, height: 1, relabelling: [7, 7, -2])   // [0, 0, 1]
  ///
  /// - Parameters:
  ///   - width: Number of columns, at least 1.
  ///   - height: Number of rows, at least 1.
  ///   - labels: `width * height` integer labels of any values.
  /// - Complexity: O(*n*) expected for *n* pixels (a hash table of distinct labels).
  public init<Label: BinaryInteger & Hashable>(width: Int, height: Int, relabelling labels: [Label])
  {
    precondition(width >= 1 && height >= 1, "LabelMap: empty size \(width)x\(height)")
    precondition(
      labels.count == width * height, "LabelMap: \(labels.count) labels for \(width)x\(height)")
    var numbering: [Label: Int32] = [:]
    var dense = [Int32](repeating: 0, count: labels.count)
    for (index, label) in labels.enumerated() {
      if let known = numbering[label] {
        dense[index] = known
      } else {
        let next = Int32(numbering.count)
        numbering[label] = next
        dense[index] = next
      }
    }
    self.width = width
    self.height = height
    self.labels = dense
    self.count = numbering.count
  }

  /// Trusted initialiser for the module's algorithms, which produce dense labels.
  init(uncheckedWidth width: Int, height: Int, labels: [Int32], count: Int) {
    self.width = width
    self.height = height
    self.labels = labels
    self.count = count
  }

  /// The label of the pixel at column `x`, row `y`.
  @inlinable
  public subscript(x x: Int, y y: Int) -> Int {
    Int(labels[y * width + x])
  }
}
