// Times SmallDetectorCNN's forward + backward and prints one JSON line:
//   NeuralNetTimer <threads> <iterations>
// {"impl": "regionkit", "threads": 2, "median_ms": ..., "min_ms": ..., "peak_rss_mb": ..., "baseline_rss_mb": ...}
import Foundation
import NeuralNet
import NeuralNetWorkload

func residentMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

let arguments = CommandLine.arguments
let threads = arguments.count > 1 ? Int(arguments[1]) ?? 1 : 1
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
try ComputeThreads.setCount(threads)
var model = SmallDetectorCNN()
let baseline = residentMegabytes()
model.trainingStep()  // warm-up
var times: [Double] = []
for _ in 0..<iterations {
  let start = DispatchTime.now().uptimeNanoseconds
  model.trainingStep()
  times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
times.sort()
print(
  String(
    format: #"{"impl": "regionkit", "threads": %d, "median_ms": %.1f, "min_ms": %.1f, "peak_rss_mb": %.1f, "baseline_rss_mb": %.1f}"#,
    threads, times[times.count / 2], times[0], residentMegabytes(), baseline))
