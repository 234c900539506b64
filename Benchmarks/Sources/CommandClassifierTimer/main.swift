// The overhead of an out-of-process classifier: the same CNN region classifier timed in process
// and through CommandClassifier (this executable, in `serve` mode, speaks the protocol), on the
// same crops, on one compute thread each; prints one JSON line.
//
//   taskset -c 0 CommandClassifierTimer [crops] [crop size] [repetitions] [batch size]
//   CommandClassifierTimer serve <crop size> <classes>      (started by the timer)
//
// Defaults: 2000 crops of 32x32 (R-CNN's CNN crop size), 5 repetitions, batches of 256 (RCNN's
// default). The two ways run in turn; the line gives the fastest wall-clock run of each and the
// median CPU time (user + system, the command's process included), which a busy machine
// disturbs less. The answers of both ways are compared bit for bit.
import Detectors
import Foundation
import NeuralNet
import ProposalIO

/// The classifier both ways: RegionKit's CNN region classifier, seeded, in inference mode.
func makeClassifier(cropSize: Int, classes: Int) -> CNNRegionClassifier {
  var network = CNNRegionClassifier(
    classes: (0..<classes).map { "class\($0)" }, inputSize: cropSize, seed: 1)
  network.setTraining(false)
  return network
}

// MARK: serve

/// Reads exactly `count` bytes of standard input into `buffer`; false at its end.
func readExactly(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
  var offset = 0
  while offset < buffer.count {
    let count = read(0, buffer.baseAddress! + offset, buffer.count - offset)
    if count > 0 {
      offset += count
    } else if count < 0 && errno == EINTR {
      continue
    } else {
      return false
    }
  }
  return true
}

func writeAll(_ buffer: UnsafeRawBufferPointer) {
  var offset = 0
  while offset < buffer.count {
    let count = write(1, buffer.baseAddress! + offset, buffer.count - offset)
    if count > 0 { offset += count } else if !(count < 0 && errno == EINTR) { exit(1) }
  }
}

func writeArray(_ tensor: Tensor) {
  let header = [UInt8](NPYHeader(descr: "<f4", shape: tensor.shape).encoded())
  header.withUnsafeBytes(writeAll)
  tensor.data.withUnsafeBytes(writeAll)
}

func serve(cropSize: Int, classes: Int) -> Never {
  let classifier = makeClassifier(cropSize: cropSize, classes: classes)
  let handshake = CommandClassifierHandshake(
    classes: classifier.classes, cropSize: cropSize, boxDeltas: true)
  Array((handshake.jsonLine + "\n").utf8).withUnsafeBytes(writeAll)
  var prefix = [UInt8](repeating: 0, count: 10)
  while prefix.withUnsafeMutableBytes(readExactly) {
    let length = Int(prefix[8]) | Int(prefix[9]) << 8
    var header = [UInt8](repeating: 0, count: length)
    guard header.withUnsafeMutableBytes(readExactly),
      let shape = try? NPYHeader.parse(Data(prefix + header), file: "stdin").header.shape
    else { exit(2) }
    let count = shape.reduce(1, *)
    var pixels = [Float](repeating: 0, count: count)
    guard pixels.withUnsafeMutableBytes(readExactly) else { exit(2) }
    guard let answer = try? classifier.classify(Tensor(shape: shape, data: pixels)) else { exit(3) }
    writeArray(answer.probabilities)
    if let deltas = answer.boxDeltas { writeArray(deltas) }
  }
  exit(0)
}

// MARK: time

let arguments = CommandLine.arguments
if arguments.count == 4 && arguments[1] == "serve" {
  serve(cropSize: Int(arguments[2]) ?? 32, classes: Int(arguments[3]) ?? 3)
}
let crops = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let cropSize = arguments.count > 2 ? Int(arguments[2]) ?? 32 : 32
let repetitions = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let batchSize = arguments.count > 4 ? Int(arguments[4]) ?? 256 : 256
let classes = 3
ComputeThreads.setCount(1)

var state: UInt64 = 0x9E37_79B9_7F4A_7C15
let pixels = (0..<(crops * 3 * cropSize * cropSize)).map { _ -> Float in
  state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
  return Float(state >> 40) / Float(1 << 24)
}
let plane = 3 * cropSize * cropSize
let batches = stride(from: 0, to: crops, by: batchSize).map { start in
  let end = min(start + batchSize, crops)
  return Tensor(
    shape: [end - start, 3, cropSize, cropSize], data: Array(pixels[(start * plane)..<(end * plane)]))
}

/// CPU seconds (user + system) of this process.
func ownCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
    + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// CPU seconds (user + system) of this process's running children, from /proc.
func childrenCPUSeconds() -> Double {
  let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
  var total = 0.0
  for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
    guard Int32(name) != nil,
      let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { continue }
    // Fields after the command name: state, ppid, ..., utime (12th), stime (13th).
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, Int32(fields[1]) == getpid(),
      let user = Double(fields[11]), let system = Double(fields[12])
    else { continue }
    total += (user + system) / ticks
  }
  return total
}

/// One run over every batch: wall and CPU milliseconds (children included), and the answers.
func run(_ classifier: any RegionClassifier) throws -> (
  wall: Double, cpu: Double, answers: [RegionClassification]
) {
  let cpuStart = ownCPUSeconds() + childrenCPUSeconds()
  let start = DispatchTime.now().uptimeNanoseconds
  let answers = try batches.map { try classifier.classify($0) }
  let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  let cpu = (ownCPUSeconds() + childrenCPUSeconds() - cpuStart) * 1000
  return (wall, cpu, answers)
}

let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
let inProcess = makeClassifier(cropSize: cropSize, classes: classes)
let command = try CommandClassifier(
  .init(command: "exec '\(executable)' serve \(cropSize) \(classes)", timeout: 600))
var wall: [[Double]] = [[], []]
var cpu: [[Double]] = [[], []]
var identical = true
for repetition in 0...repetitions {  // interleaved; the first pair warms up
  let a = try run(inProcess)
  let b = try run(command)
  identical = identical && a.answers == b.answers
  guard repetition > 0 else { continue }
  wall[0].append(a.wall)
  wall[1].append(b.wall)
  cpu[0].append(a.cpu)
  cpu[1].append(b.cpu)
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let (wallA, wallB) = (wall[0].min()!, wall[1].min()!)
let (cpuA, cpuB) = (median(cpu[0]), median(cpu[1]))
print(
  String(
    format:
      #"{"crops": %d, "crop_size": %d, "batch_size": %d, "repetitions": %d, "in_process_wall_ms": %.1f, "command_wall_ms": %.1f, "wall_overhead": %.3f, "in_process_cpu_ms": %.1f, "command_cpu_ms": %.1f, "cpu_overhead": %.3f, "identical": %@}"#,
    crops, cropSize, batchSize, repetitions, wallA, wallB, wallB / wallA - 1, cpuA, cpuB,
    cpuB / cpuA - 1, identical ? "true" : "false"))
if !identical { exit(1) }
