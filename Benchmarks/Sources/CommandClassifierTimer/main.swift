// The overhead of an out-of-process classifier: the same CNN region classifier timed in process
// and through CommandClassifier (this executable, in `serve` mode, speaks the protocol), on the
// same crops, on one compute thread each; prints one JSON line.
//
//   taskset -c 0 CommandClassifierTimer [crops] [crop size] [repetitions] [batch size]
//   CommandClassifierTimer serve <crop size> <classes>      (started by the timer)
//
// Defaults: 2000 crops of 32x32 (R-CNN's CNN crop size), 5 repetitions, batches of 256 (RCNN's
// default). The two ways run in turn; the line gives the fastest wall-clock run of each, and the
// median CPU time and minor page faults of both processes (from /proc), which a busy machine
// disturbs less. The answers of both ways are compared bit for bit.
//
// glibc's malloc returns freed memory to the system depending on the process's heap history, so
// the same network page-faults more in one process than in another; run with
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824
// to give both processes (the command inherits it) the same allocator behaviour.
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
  var pixels: [Float] = []  // reused from batch to batch
  while prefix.withUnsafeMutableBytes(readExactly) {
    let length = Int(prefix[8]) | Int(prefix[9]) << 8
    var header = [UInt8](repeating: 0, count: length)
    guard header.withUnsafeMutableBytes(readExactly),
      let shape = try? NPYHeader.parse(Data(prefix + header), file: "stdin").header.shape
    else { exit(2) }
    let count = shape.reduce(1, *)
    if pixels.count != count { pixels = [Float](repeating: 0, count: count) }
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
try ComputeThreads.setCount(1)

var state: UInt64 = 0x9E37_79B9_7F4A_7C15
let pixels = (0..<(crops * 3 * cropSize * cropSize)).map { _ -> Float in
  state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
  return Float(state >> 40) / Float(1 << 24)
}
let plane = 3 * cropSize * cropSize
let batches = stride(from: 0, to: crops, by: batchSize).map { start in
  let end = min(start + batchSize, crops)
  return Tensor(
    shape: [end - start, 3, cropSize, cropSize],
    data: Array(pixels[(start * plane)..<(end * plane)]))
}

/// The pid of this process's first running child (the command's process), from /proc.
func childPID() -> Int32? {
  for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
    guard let pid = Int32(name),
      let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { continue }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    if fields.count > 1, Int32(fields[1]) == getpid() { return pid }
  }
  return nil
}

/// CPU seconds of the process `pid` so far: the sum over its threads of the nanoseconds on a
/// CPU in /proc/PID/task/TID/schedstat (exact, where /proc/PID/stat counts 10 ms ticks).
func cpuSeconds(of pid: Int32) -> Double {
  let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
  return tasks.reduce(0.0) { total, task in
    let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8)
    return total + (text?.split(separator: " ").first.flatMap { Double($0) } ?? 0) / 1e9
  }
}

/// Minor page faults of the process `pid` so far (/proc/PID/stat, field 10).
func pageFaults(of pid: Int32) -> Double {
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return 0 }
  let fields = stat[stat.index(after: close)...].split(separator: " ")
  return fields.count > 7 ? Double(fields[7]) ?? 0 : 0
}

/// One run over every batch: wall and CPU milliseconds and page faults (the command's process
/// included), and the answers.
func run(_ classifier: any RegionClassifier, child: Int32?) throws -> (
  wall: Double, cpu: Double, faults: Double, answers: [RegionClassification]
) {
  let childStart = (child.map(cpuSeconds) ?? 0, child.map(pageFaults) ?? 0)
  let ownStart = (cpuSeconds(of: getpid()), pageFaults(of: getpid()))
  let start = DispatchTime.now().uptimeNanoseconds
  let answers = try batches.map { try classifier.classify($0) }
  let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  let own = (cpuSeconds(of: getpid()) - ownStart.0, pageFaults(of: getpid()) - ownStart.1)
  let cpu = own.0 + (child.map(cpuSeconds) ?? 0) - childStart.0
  let faults = own.1 + (child.map(pageFaults) ?? 0) - childStart.1
  return (wall, cpu * 1000, faults, answers)
}

let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
let inProcess = makeClassifier(cropSize: cropSize, classes: classes)
let command = try CommandClassifier(
  .init(command: "exec '\(executable)' serve \(cropSize) \(classes)", timeout: 600))
let child = childPID()
var wall: [[Double]] = [[], []]
var cpu: [[Double]] = [[], []]
var faults: [[Double]] = [[], []]
var identical = true
for repetition in 0...repetitions {  // interleaved; the first pair warms up
  let a = try run(inProcess, child: nil)
  let b = try run(command, child: child)
  identical = identical && a.answers == b.answers
  guard repetition > 0 else { continue }
  for (index, result) in [(a.wall, a.cpu, a.faults), (b.wall, b.cpu, b.faults)].enumerated() {
    wall[index].append(result.0)
    cpu[index].append(result.1)
    faults[index].append(result.2)
  }
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let (wallA, wallB) = (wall[0].min()!, wall[1].min()!)
let (cpuA, cpuB) = (median(cpu[0]), median(cpu[1]))
print(
  String(
    format:
      #"{"crops": %d, "crop_size": %d, "batch_size": %d, "repetitions": %d, "in_process_wall_ms": %.1f, "command_wall_ms": %.1f, "wall_overhead": %.3f, "in_process_cpu_ms": %.1f, "command_cpu_ms": %.1f, "cpu_overhead": %.3f, "in_process_page_faults": %.0f, "command_page_faults": %.0f, "identical": %@}"#,
    crops, cropSize, batchSize, repetitions, wallA, wallB, wallB / wallA - 1, cpuA, cpuB,
    cpuB / cpuA - 1, median(faults[0]), median(faults[1]), identical ? "true" : "false"))
if !identical { exit(1) }
