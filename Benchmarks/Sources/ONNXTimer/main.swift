// Times the forward pass of an ONNX model and prints one JSON line, for Tools/onnx/speed.py:
//   ONNXTimer MODEL.onnx INPUT.npy [threads] [iterations]
// {"threads": 1, "iterations": 10, "load_seconds": ..., "median_seconds": ..., "times": [...], "peak_rss_mb": ...}
// The input is a float32 C-order .npy array fed to the model's first input; one untimed run
// warms up, then `iterations` runs are timed (default 10). Errors go to stderr, exit code 1.
import Foundation
import NeuralNet
import ONNX

struct TimerError: Error, CustomStringConvertible {
  var description: String
}

func peakResidentMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

/// Reads a little-endian float32 array in C order from a `.npy` file (format 1.0, 2.0 or 3.0).
func readNPY(_ path: String) throws -> Tensor {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw TimerError(description: "\(path): cannot be read")
  }
  let bytes = [UInt8](data)
  guard bytes.count > 10, bytes[0] == 0x93, String(decoding: bytes[1..<6], as: UTF8.self) == "NUMPY"
  else {
    throw TimerError(description: "\(path): not a .npy file (no \\x93NUMPY magic)")
  }
  let headerStart = bytes[6] == 1 ? 10 : 12
  let headerLength =
    bytes[6] == 1
    ? Int(bytes[8]) | Int(bytes[9]) << 8
    : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
  guard bytes.count >= headerStart + headerLength else {
    throw TimerError(description: "\(path): header runs past the end of the file")
  }
  let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
  guard header.contains("'descr': '<f4'") else {
    throw TimerError(description: "\(path): not float32 little-endian (header \(header))")
  }
  guard header.contains("'fortran_order': False") else {
    throw TimerError(description: "\(path): Fortran order is not supported")
  }
  guard let open = header.range(of: "'shape': ("),
    let close = header[open.upperBound...].firstIndex(of: ")")
  else {
    throw TimerError(description: "\(path): no shape in header \(header)")
  }
  let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
    Int($0.trimmingCharacters(in: .whitespaces))
  }
  let count = shape.reduce(1, *)
  let start = headerStart + headerLength
  guard bytes.count - start == count * 4 else {
    throw TimerError(
      description:
        "\(path): \(bytes.count - start) data bytes for shape \(shape), expected \(count * 4)")
  }
  var values = [Float](repeating: 0, count: count)
  values.withUnsafeMutableBytes { target in
    bytes.withUnsafeBytes { source in
      target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count * 4)]))
    }
  }
  return Tensor(shape: shape, data: values.map { Float(bitPattern: $0.bitPattern.littleEndian) })
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
  ComputeThreads.setCount(threads)
  let input = try readNPY(arguments[2])
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
