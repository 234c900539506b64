import Foundation
import RegionKit

/// A user-written region classifier: nearest class mean on a crop's "silhouette".
///
/// The silhouette of a warped crop is its central `grid x grid` area, downsampled, as the
/// distance of each cell's colour from the crop border's mean colour (the local background),
/// scaled to unit maximum. Training averages the silhouettes of each class (and of the
/// background); classification is a softmax over minus the squared distances to those
/// means divided by `temperature`. No box deltas: R-CNN then keeps the proposal boxes.
struct SilhouetteClassifier: RegionClassifier {
  var classes: [String]
  /// Means, `classes.count + 1` of them (index 0 background), each `grid * grid` values.
  var means: [[Float]]
  var grid = 8
  var temperature: Float = 0.5

  /// The silhouette of one crop of a `[R, 3, S, S]` batch.
  static func silhouette(_ regions: Tensor, index: Int, grid: Int) -> [Float] {
    let size = regions.shape[2], plane = size * size, base = index * 3 * plane
    func pixel(_ x: Int, _ y: Int, _ c: Int) -> Float {
      regions.data[base + c * plane + y * size + x]
    }
    var border: [Float] = [0, 0, 0]
    var count: Float = 0
    for i in 0..<size {
      for (x, y) in [(i, 0), (i, size - 1), (0, i), (size - 1, i)] {
        for c in 0..<3 { border[c] += pixel(x, y, c) }
        count += 1
      }
    }
    border = border.map { $0 / count }
    var cells = [Float](repeating: 0, count: grid * grid)
    let step = Float(size) / Float(grid)
    for gy in 0..<grid {
      for gx in 0..<grid {
        let x = min(Int((Float(gx) + 0.5) * step), size - 1)
        let y = min(Int((Float(gy) + 0.5) * step), size - 1)
        var distance: Float = 0
        for c in 0..<3 { distance += (pixel(x, y, c) - border[c]) * (pixel(x, y, c) - border[c]) }
        cells[gy * grid + gx] = distance.squareRoot()
      }
    }
    let peak = max(cells.max() ?? 0, 1e-3)
    return cells.map { $0 / peak }
  }

  /// Class means from labelled crops (labels 0 = background, 1...K).
  static func train(classes: [String], crops: Tensor, labels: [Int], grid: Int = 8)
    -> SilhouetteClassifier
  {
    var sums = [[Float]](
      repeating: [Float](repeating: 0, count: grid * grid), count: classes.count + 1)
    var counts = [Float](repeating: 0, count: classes.count + 1)
    for (index, label) in labels.enumerated() {
      let s = silhouette(crops, index: index, grid: grid)
      for k in s.indices { sums[label][k] += s[k] }
      counts[label] += 1
    }
    let means = sums.indices.map { c in sums[c].map { $0 / max(counts[c], 1) } }
    return SilhouetteClassifier(classes: classes, means: means, grid: grid)
  }

  func classify(_ regions: Tensor) throws -> RegionClassification {
    let rows = regions.shape[0], columns = classes.count + 1
    var probabilities = Tensor(zeros: [rows, columns])
    for r in 0..<rows {
      let s = Self.silhouette(regions, index: r, grid: grid)
      let logits = means.map { mean in
        -zip(mean, s).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / temperature
      }
      let peak = logits.max() ?? 0
      let exps = logits.map { expf($0 - peak) }
      let total = exps.reduce(0, +)
      for c in 0..<columns { probabilities.data[r * columns + c] = exps[c] / total }
    }
    return RegionClassification(probabilities: probabilities)
  }
}
