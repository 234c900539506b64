// Times the forward pass of an ONNX model and prints one JSON line, for Tools/onnx/speed.py:
//   ONNXTimer MODEL.onnx INPUT.npy [threads] [iterations]
// {"threads": 1, "iterations": 10, "load_seconds": ..., "median_seconds": ..., "times": [...], "peak_rss_mb": ...}
// The input is a C-order .npy array (read as float32) fed to the model's first input; one untimed run
// warms up, then `iterations` runs are timed (default 10). Errors go to stderr, exit code 1.
import Foundation
import NeuralNet
import ONNX
import ProposalIO

func peakResidentMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

func seconds(since start: UInt64) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  FileHandle.standardError.write(
    Data("usage: ONNXTimer MODEL.onnx INPUT.npy [threads] [iterations]\n".utf8))
  exit(2)
}
let threads = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
let iterations = max(1, arguments.count > 4 ? Int(arguments[4]) ?? 10 : 10)
do {
  try ComputeThreads.setCount(threads)
  let array = try NPYArray(contentsOf: URL(fileURLWithPath: arguments[2]))
  let input = Tensor(shape: array.shape, data: array.values)
  let loadStart = DispatchTime.now().uptimeNanoseconds
  let model = try ONNXModel(contentsOf: URL(fileURLWithPath: arguments[1]))
  let loadSeconds = seconds(since: loadStart)
  let feed = [model.inputs[0].name: input]
  _ = try model.run(feed)  // warm-up
  var times: [Double] = []
  for _ in 0..<iterations {
    let start = DispatchTime.now().uptimeNanoseconds
    let outputs = try model.run(feed)
    times.append(seconds(since: start))
    precondition(!outputs.isEmpty, "the model returned no output")
  }
  let sorted = times.sorted()
  let median =
    sorted.count % 2 == 1
    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  let list = times.map { String(format: "%.6f", $0) }.joined(separator: ", ")
  print(
    String(
      format:
        #"{"threads": %d, "iterations": %d, "load_seconds": %.6f, "median_seconds": %.6f, "times": [%@], "peak_rss_mb": %.1f}"#,
      threads, iterations, loadSeconds, median, list, peakResidentMegabytes()))
} catch {
  FileHandle.standardError.write(Data("ONNXTimer: \(error)\n".utf8))
  exit(1)
}
