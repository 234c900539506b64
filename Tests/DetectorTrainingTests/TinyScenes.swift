import Boxes
import Datasets
import DetectorTraining

/// Six 64x64 scenes of one or two shapes for the R-CNN training tests, with proposals =
/// ground truth jittered + a coarse grid (no selective search).
enum TinyScenes {
  static func images() -> [RCNNTrainingImage] {
    let scenes = try! SyntheticScenes(width: 64, height: 64, maxObjects: 2)
    let shapes = SyntheticShapes.Shape.allCases
    return (0..<6).map { index in
      let sample = scenes.sample(index, seed: 42)
      let boxes = sample.objects.map(\.box)
      var proposals: [Box] = []
      for box in boxes {
        for (dx, dy) in [(0, 0), (2, 1), (-2, -1), (3, -2), (-1, 3)] as [(Float, Float)] {
          proposals.append(
            Box(x1: box.x1 + dx, y1: box.y1 + dy, x2: box.x2 + dx, y2: box.y2 - dy))
        }
      }
      for y in stride(from: 0, to: 48, by: 16) {
        for x in stride(from: 0, to: 48, by: 16) {
          proposals.append(Box(x1: Float(x), y1: Float(y), x2: Float(x + 24), y2: Float(y + 24)))
        }
      }
      return RCNNTrainingImage(
        image: sample.image, boxes: boxes,
        labels: sample.objects.map { shapes.firstIndex(of: $0.shape)! + 1 }, proposals: proposals)
    }
  }
}
