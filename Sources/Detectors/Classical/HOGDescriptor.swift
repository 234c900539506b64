import Foundation
import Imaging

/// Histograms of oriented gradients (Dalal & Triggs 2005): the classical feature behind the
/// HOG + linear SVM backend of ``RCNN``.
///
/// Steps, for an image of `W x H` pixels:
/// 1. Gradient by the centred `[-1, 0, 1]` filter on every channel (zero on the one-pixel
///    border, as scikit-image); at each pixel the channel with the largest magnitude wins
///    (the first one on ties).
/// 2. Orientation `atan2(gy, gx)` folded to unsigned `[0, 180)` degrees, voted with the
///    gradient magnitude into `orientations` bins per `cellSize x cellSize` cell; each cell
///    histogram is divided by the cell's pixel count. With `interpolatesOrientation` the vote
///    is split bilinearly between the two nearest bin centres (Dalal–Triggs); without it
///    the whole vote goes to the bin containing the angle (scikit-image `hog`). Spatial
///    (trilinear) interpolation between cells is **not** done: every pixel votes in its own
///    cell only.
/// 3. Blocks of `blockSize x blockSize` cells with a one-cell stride, each normalised by
///    L2-Hys: `v / sqrt(|v|² + ε²)`, clipped at `clip`, renormalised the same way (ε = 1e-5).
/// 4. The descriptor concatenates blocks row-major, each block's cells row-major, each
///    cell's bins: the layout of `skimage.feature.hog(..., feature_vector=True)`.
///
/// Only whole cells are used (`W / cellSize` by `H / cellSize` of them, rounding down).
///
///     let hog = HOGDescriptor()
///     let features = hog.features(of: crop)   // crop 48x48 -> 5*5*2*2*9 = 900 values
///
/// Checked against scikit-image 0.26 `hog(orientations=9, pixels_per_cell=(8, 8),
/// cells_per_block=(2, 2), block_norm='L2-Hys', channel_axis=-1)` with
/// `interpolatesOrientation: false` (golden `Fixtures/goldens/hog.json`).
///
/// Reference: N. Dalal, B. Triggs, "Histograms of oriented gradients for human detection",
/// CVPR 2005.
public struct HOGDescriptor: Sendable, Hashable, Codable {
  /// Unsigned orientation bins over `[0, 180)` degrees. Default: 9.
  public var orientations: Int
  /// Cell side in pixels. Default: 8.
  public var cellSize: Int
  /// Block side in cells (stride one cell). Default: 2.
  public var blockSize: Int
  /// The L2-Hys clipping value. Default: 0.2.
  public var clip: Float
  /// Split each vote between the two nearest bins (Dalal–Triggs) instead of scikit-image's
  /// hard binning. Default: `true`.
  public var interpolatesOrientation: Bool

  /// Creates the default descriptor: 9 orientations, 8-pixel cells, 2 x 2-cell blocks, clip
  /// 0.2, interpolated orientation votes.
  public init() {
    self.init(
      checkedOrientations: 9, cellSize: 8, blockSize: 2, clip: 0.2, interpolatesOrientation: true)
  }

  /// Creates a descriptor; see the type's documentation for each parameter.
  ///
  /// - Parameters:
  ///   - orientations: Orientation bins, at least 1. Default: 9.
  ///   - cellSize: Cell side in pixels, at least 1. Default: 8.
  ///   - blockSize: Block side in cells, at least 1. Default: 2.
  ///   - clip: The L2-Hys clipping value. Default: 0.2.
  ///   - interpolatesOrientation: Split each vote between the two nearest bins. Default: `true`.
  /// - Throws: ``DetectorsError/invalidParameter(type:field:value:expected:)`` naming
  ///   `orientations`, `cellSize` or `blockSize` when it is below 1.
  public init(
    orientations: Int = 9, cellSize: Int = 8, blockSize: Int = 2, clip: Float = 0.2,
    interpolatesOrientation: Bool = true
  ) throws(DetectorsError) {
    for (field, value) in [
      ("orientations", orientations), ("cellSize", cellSize), ("blockSize", blockSize),
    ] where value < 1 {
      throw .invalidParameter(
        type: "HOGDescriptor", field: field, value: "\(value)", expected: "at least 1")
    }
    self.init(
      checkedOrientations: orientations, cellSize: cellSize, blockSize: blockSize, clip: clip,
      interpolatesOrientation: interpolatesOrientation)
  }

  /// Stores settings already known to be valid.
  private init(
    checkedOrientations orientations: Int, cellSize: Int, blockSize: Int, clip: Float,
    interpolatesOrientation: Bool
  ) {
    self.orientations = orientations
    self.cellSize = cellSize
    self.blockSize = blockSize
    self.clip = clip
    self.interpolatesOrientation = interpolatesOrientation
  }

  /// The descriptor length for a `width x height` image (0 when no block fits).
  public func featureCount(width: Int, height: Int) -> Int {
    let blocksX = width / cellSize - blockSize + 1, blocksY = height / cellSize - blockSize + 1
    guard blocksX > 0, blocksY > 0 else { return 0 }
    return blocksX * blocksY * blockSize * blockSize * orientations
  }

  /// The HOG descriptor of `image` (any channel count, values in any range).
  ///
  /// - Complexity: O(W·H·channels + blocks · blockSize² · orientations).
  public func features(of image: Image) -> [Float] {
    let width = image.width, height = image.height, channels = image.channels
    let cellsX = width / cellSize, cellsY = height / cellSize
    let count = featureCount(width: width, height: height)
    guard count > 0 else { return [] }
    var histogram = [Float](repeating: 0, count: cellsX * cellsY * orientations)
    let binWidth = 180 / Float(orientations)
    let pixels = image.pixels
    for y in 0..<(cellsY * cellSize) {
      for x in 0..<(cellsX * cellSize) {
        var bestMagnitude: Float = -1, gx: Float = 0, gy: Float = 0
        for c in 0..<channels {
          let dx =
            (x > 0 && x < width - 1)
            ? pixels[(y * width + x + 1) * channels + c]
              - pixels[(y * width + x - 1) * channels + c]
            : 0
          let dy =
            (y > 0 && y < height - 1)
            ? pixels[((y + 1) * width + x) * channels + c]
              - pixels[((y - 1) * width + x) * channels + c] : 0
          let magnitude = (dx * dx + dy * dy).squareRoot()
          if magnitude > bestMagnitude {
            bestMagnitude = magnitude
            gx = dx
            gy = dy
          }
        }
        guard bestMagnitude > 0 else { continue }
        var angle = Float(atan2(Double(gy), Double(gx)) * 180 / Double.pi)
        angle = angle.truncatingRemainder(dividingBy: 180)
        if angle < 0 { angle += 180 }
        if angle >= 180 { angle = 0 }
        let cell = ((y / cellSize) * cellsX + x / cellSize) * orientations
        if interpolatesOrientation {
          let position = angle / binWidth - 0.5
          let lower = Int(position.rounded(.down))
          let fraction = position - Float(lower)
          let first = (lower + orientations) % orientations
          let second = (lower + 1) % orientations
          histogram[cell + first] += bestMagnitude * (1 - fraction)
          histogram[cell + second] += bestMagnitude * fraction
        } else {
          let bin = min(Int(angle / binWidth), orientations - 1)
          histogram[cell + bin] += bestMagnitude
        }
      }
    }
    let area = Float(cellSize * cellSize)
    for index in histogram.indices { histogram[index] /= area }
    var output = [Float](repeating: 0, count: count)
    let blocksX = cellsX - blockSize + 1, blocksY = cellsY - blockSize + 1
    let blockLength = blockSize * blockSize * orientations
    var block = [Float](repeating: 0, count: blockLength)
    for by in 0..<blocksY {
      for bx in 0..<blocksX {
        var index = 0
        for cy in 0..<blockSize {
          for cx in 0..<blockSize {
            let cell = ((by + cy) * cellsX + bx + cx) * orientations
            for bin in 0..<orientations {
              block[index] = histogram[cell + bin]
              index += 1
            }
          }
        }
        normaliseL2Hys(&block)
        let base = (by * blocksX + bx) * blockLength
        for k in 0..<blockLength { output[base + k] = block[k] }
      }
    }
    return output
  }

  private func normaliseL2Hys(_ block: inout [Float]) {
    let epsilonSquared: Double = 1e-10
    var sum = 0.0
    for value in block { sum += Double(value) * Double(value) }
    var scale = Float(1 / (sum + epsilonSquared).squareRoot())
    sum = 0
    for k in block.indices {
      block[k] = min(block[k] * scale, clip)
      sum += Double(block[k]) * Double(block[k])
    }
    scale = Float(1 / (sum + epsilonSquared).squareRoot())
    for k in block.indices { block[k] *= scale }
  }
}

extension HOGDescriptor {
  /// Checks the settings read from `config.json` against a crop of `cropSize` pixels.
  func validate(_ check: ConfigurationCheck, cropSize: Int) throws {
    try check.integer("hog.orientations", orientations, in: 1...360)
    try check.integer("hog.cellSize", cellSize, in: 1...max(1, cropSize))
    try check.integer("hog.blockSize", blockSize, in: 1...max(1, cropSize / cellSize))
    try check.number("hog.clip", Double(clip), in: 1e-6...1)
  }
}
