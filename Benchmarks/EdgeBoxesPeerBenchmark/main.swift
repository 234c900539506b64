// Runs RegionKit's EdgeBoxes, sliding windows and segment boxes on a dataset, single thread,
// and dumps the edge maps so Tools/peers/edge_boxes_peer.py can feed OpenCV the same input.
//
//   EdgeBoxesPeerBenchmark DATASET OUT [--limit N] [--top N] [--edge-boxes-only]
//     OUT/maps/<index>.edges.f32, OUT/maps/<index>.orientation.f32: float32 little-endian,
//       row-major height x width: the thinned Sobel magnitude and the gradient orientation
//       modulo pi (OpenCV's computeOrientation convention), as EdgeBoxes() computes them.
//     OUT/maps/manifest.tsv: "index<TAB>image<TAB>width<TAB>height" per image.
//     OUT/regionkit-edge-boxes.jsonl, OUT/sliding-window.jsonl, OUT/segments.jsonl: proposals
//       in RegionKit's schema; "seconds" is thread CPU time of the proposal step only (for
//       EdgeBoxes: from the edge map, as OpenCV is timed).
//   EdgeBoxesPeerBenchmark evaluate DATASET [--limit N] FILE.jsonl...
//     Prints one JSON line per file: {"file", "ar100", "ar300", "ar1000", "seconds", "curve"
//     (AR at N = 10 ... 1000)} with
//     RegionKit's ProposalEvaluation (AR over IoU 0.5:0.05:0.95) and the mean seconds per image.
//   EdgeBoxesPeerBenchmark time MAPS [--limit N] [--top N]
//     Runs only RegionKit's EdgeBoxes on the maps dumped in MAPS (maps/ of an earlier run) and
//     prints the mean thread CPU seconds per image (for repeated, interleaved timing rounds
//     against the peer, and for profiling), the number of boxes, and a checksum of every box
//     and score bit pattern (equal checksums: identical output).
import Datasets
import Edges
import Evaluation
import Foundation
import Imaging
import ProposalIO
import Proposals

#if canImport(Glibc)
  import Glibc
#endif

func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = threadCPUSeconds()
  let value = try body()
  return (value, threadCPUSeconds() - start)
}

func floatData(_ values: [Float]) -> Data {
  values.withUnsafeBufferPointer { Data(buffer: $0) }
}

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> Int? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  let value = Int(arguments[index + 1])
  arguments.removeSubrange(index...(index + 1))
  return value
}
let edgeBoxesOnly = arguments.contains("--edge-boxes-only")
arguments.removeAll { $0 == "--edge-boxes-only" }
let limit = option("--limit")
let top = option("--top") ?? 1000
if arguments.first == "evaluate", arguments.count >= 3 {
  var dataset = try Dataset.load(from: URL(fileURLWithPath: arguments[1]))
  if let limit { dataset.images = Array(dataset.images.prefix(limit)) }
  let counts = [10, 20, 50, 100, 200, 300, 500, 1000]
  let evaluation = ProposalEvaluation(configuration: .init(proposalCounts: counts))
  for file in arguments.dropFirst(2) {
    let records = try ProposalFile.read(contentsOf: URL(fileURLWithPath: file))
    let report = try evaluation.evaluate(records: records, dataset: dataset, method: "peer")
    let seconds = records.compactMap(\.seconds).reduce(0, +) / Double(max(records.count, 1))
    let ar = [100, 300, 1000].map { report.summary.averageRecall(proposals: $0) ?? .nan }
    let curve = counts.map { "\"\($0)\": \(report.summary.averageRecall(proposals: $0) ?? .nan)" }.joined(separator: ", ")
    print("{\"file\": \"\(file)\", \"ar100\": \(ar[0]), \"ar300\": \(ar[1]), \"ar1000\": \(ar[2]), \"seconds\": \(seconds), \"curve\": {\(curve)}}")
  }
  exit(0)
}
if arguments.first == "time", arguments.count == 2 {
  let maps = URL(fileURLWithPath: arguments[1])
  let rows = try String(contentsOf: maps.appendingPathComponent("manifest.tsv"), encoding: .utf8)
    .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
  let edgeBoxes = EdgeBoxes(maxBoxes: top)
  func floats(_ name: String) throws -> [Float] {
    let data = try Data(contentsOf: maps.appendingPathComponent(name))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }
  var total = 0.0, count = 0, boxes = 0
  var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
  for row in rows.prefix(limit ?? rows.count) {
    guard row.count == 4, let width = Int(row[2]), let height = Int(row[3]) else { continue }
    let map = EdgeMap(
      width: width, height: height, strength: try floats("\(row[0]).edges.f32"),
      orientation: try floats("\(row[0]).orientation.f32"))
    let (proposals, seconds) = try timed { try edgeBoxes.proposals(for: map) }
    total += seconds
    count += 1
    boxes += proposals.count
    // FNV-1a over every box corner and score bit pattern, to check that a change of the
    // implementation keeps the output identical.
    for proposal in proposals {
      let b = proposal.box
      for value in [b.x1, b.y1, b.x2, b.y2, proposal.score] {
        checksum = (checksum ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3
      }
    }
  }
  print(
    "{\"seconds\": \(total / Double(max(count, 1))), \"images\": \(count), \"boxes\": \(boxes), "
      + "\"checksum\": \"\(String(checksum, radix: 16))\"}")
  exit(0)
}
guard arguments.count == 2 else {
  FileHandle.standardError.write(Data("usage: EdgeBoxesPeerBenchmark DATASET OUT [--limit N] [--top N]\n".utf8))
  exit(2)
}
let dataset = try Dataset.load(from: URL(fileURLWithPath: arguments[0]))
let out = URL(fileURLWithPath: arguments[1])
let maps = out.appendingPathComponent("maps")
try FileManager.default.createDirectory(at: maps, withIntermediateDirectories: true)

let edgeBoxes = EdgeBoxes(maxBoxes: top)
let generators: [(file: String, generator: any ProposalGenerator)] = edgeBoxesOnly ? [] : [
  ("sliding-window", SlidingWindow(maxProposals: top)),
  ("segments", SegmentBoxes(maxProposals: top)),
]
var manifest = ""
var edgeRecords: [ProposalRecord] = []
var otherRecords = [[ProposalRecord]](repeating: [], count: generators.count)
let images = limit.map { Array(dataset.images.prefix($0)) } ?? dataset.images
for (index, entry) in images.enumerated() {
  let image = try Image(contentsOf: dataset.url(of: entry))
  let (map, edgeSeconds) = try timed { try edgeBoxes.edgeMap(for: image) }
  let orientation = map.orientation.map { angle -> Float in
    var o = angle.truncatingRemainder(dividingBy: .pi)
    if o < 0 { o += .pi }
    return o
  }
  try floatData(map.strength).write(to: maps.appendingPathComponent("\(index).edges.f32"))
  try floatData(orientation).write(to: maps.appendingPathComponent("\(index).orientation.f32"))
  manifest += "\(index)\t\(entry.fileName)\t\(image.width)\t\(image.height)\n"
  let (proposals, seconds) = try timed { try edgeBoxes.proposals(for: map) }
  edgeRecords.append(
    ProposalRecord(image: entry.fileName, width: image.width, height: image.height, seconds: seconds, proposals: proposals))
  for (k, item) in generators.enumerated() {
    let (boxes, seconds) = try timed { try item.generator.proposals(for: image) }
    otherRecords[k].append(
      ProposalRecord(image: entry.fileName, width: image.width, height: image.height, seconds: seconds, proposals: boxes))
  }
  FileHandle.standardError.write(
    Data(String(format: "%d/%d %@: edges %.3f s, edge boxes %.3f s, %d boxes\n", index + 1, images.count,
                entry.fileName, edgeSeconds, seconds, proposals.count).utf8))
}
try manifest.write(to: maps.appendingPathComponent("manifest.tsv"), atomically: true, encoding: .utf8)
try ProposalFile.write(edgeRecords, to: out.appendingPathComponent("regionkit-edge-boxes.jsonl"))
for (k, item) in generators.enumerated() {
  try ProposalFile.write(otherRecords[k], to: out.appendingPathComponent("\(item.file).jsonl"))
}
