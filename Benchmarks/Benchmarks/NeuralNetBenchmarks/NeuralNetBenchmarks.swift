import Benchmark
import NeuralNet
import NeuralNetWorkload

/// Forward + backward of the small detector CNN (see `SmallDetectorCNN`), at 1 and 2 threads.
/// The PyTorch comparison is `Tools/peers/nn_peer.py`, which runs the same model.
let benchmarks: @Sendable () -> Void = {
  for threads in [1, 2] {
    Benchmark(
      "NeuralNet.SmallDetectorCNN.trainingStep threads=\(threads)",
      configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(20), maxIterations: 10)
    ) { benchmark in
      try ComputeThreads.setCount(threads)
      var model = SmallDetectorCNN()
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { blackHole(model.trainingStep()) }
    }
  }
}
