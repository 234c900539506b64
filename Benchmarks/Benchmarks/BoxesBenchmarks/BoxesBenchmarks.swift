// Boxes benchmarks. Stable names: iou-matrix/10kx1k, nms/10k, batched-nms/10k.
// The torchvision peer (Tools/peers/boxes_peer.py) times the same calls on the same input.
import Benchmark
import BenchmarkInputs
import Boxes

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
    timeUnits: .milliseconds,
    maxDuration: .seconds(10),
    maxIterations: 30)

  let input = BenchmarkBoxes(count: 10_000)

  // A 10k x 1k IoU matrix (10 M entries), torchvision `box_iou(boxes, boxes[:1000])`.
  // (10k x 10k needs 400 MB per result here and several 800 MB temporaries in torchvision.)
  let columns = Array(input.boxes.prefix(1000))
  Benchmark("iou-matrix/10kx1k") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(IoUMatrix(rows: input.boxes, columns: columns))
    }
  }

  // torchvision `nms(boxes, scores, 0.5)`.
  Benchmark("nms/10k") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(nonMaximumSuppression(boxes: input.boxes, scores: input.scores, iouThreshold: 0.5))
    }
  }

  // torchvision `batched_nms(boxes, scores, class_ids, 0.5)` with 80 classes.
  Benchmark("batched-nms/10k") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(
        batchedNonMaximumSuppression(
          boxes: input.boxes, scores: input.scores, classIDs: input.classIDs, iouThreshold: 0.5))
    }
  }
}
