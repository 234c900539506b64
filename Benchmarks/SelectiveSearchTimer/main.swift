// Times RegionKit's selective search on raw RGB images and scores proposal files with the
// Evaluation module, for the side-by-side run in Tools/peers/selective_search_peer.py.
//
//   SelectiveSearchTimer propose LIST.tsv MODE THREADS OUT.jsonl [SEED]
//     LIST.tsv: one line per image, "path<TAB>width<TAB>height<TAB>name" (path: width*height*3
//     uint8 RGB). Runs SelectiveSearch(mode: MODE, seed: SEED (default 0), threads: THREADS), no cap,
//     writes the proposals as JSON Lines (our schema, "image" = name, "seconds" = wall time of
//     the search). Prints one JSON line: mode, threads, images, seconds per image (wall, and
//     CPU time of the process), proposals per image.
//   SelectiveSearchTimer evaluate DATASET FILE.jsonl...
//     Prints one JSON line per file: recall@0.5, recall@0.7, AR (IoU 0.5:0.95) and MABO at
//     N = 100, 300, 1000, 2000 and all (N = 1000000), on the non-crowd ground truth.
//   SelectiveSearchTimer rss MODE PATH WIDTH HEIGHT
//     One single-thread search; prints its CPU seconds (and wall seconds), proposals and the
//     peak resident set size (KiB).
import Datasets
import Evaluation
import Foundation
import Imaging
import ProposalIO
import Proposals

#if canImport(Glibc)
  import Glibc
#endif

struct Failure: Error, CustomStringConvertible {
  let description: String
}

func loadRGB(_ path: String, width: Int, height: Int) throws -> Image {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  guard data.count == width * height * 3 else {
    throw Failure(description: "\(path): \(data.count) bytes")
  }
  return Image(width: width, height: height, channels: 3, pixels: data.map { Float($0) / 255 })
}

func wallSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func peakRSSKiB() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return -1
  }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
      ?? -1
  }
  return -1
}

func mode(_ name: String) throws -> SelectiveSearch.Mode {
  guard let mode = SelectiveSearch.Mode(rawValue: name) else {
    throw Failure(description: "unknown mode \(name)")
  }
  return mode
}

func json(_ object: [String: Any]) throws -> String {
  String(
    decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
    as: UTF8.self)
}

func propose(_ arguments: [String]) throws {
  guard arguments.count == 4 || arguments.count == 5, let threads = Int(arguments[2]),
    let seed = arguments.count == 5 ? UInt64(arguments[4]) : 0
  else {
    throw Failure(description: "usage: propose LIST.tsv MODE THREADS OUT.jsonl [SEED]")
  }
  let search = SelectiveSearch(mode: try mode(arguments[1]), seed: seed, threads: threads)
  let list = try String(contentsOfFile: arguments[0], encoding: .utf8).split(separator: "\n")
  var records: [ProposalRecord] = []
  var wall = 0.0
  var cpu = 0.0
  var proposals = 0
  for line in list {
    let fields = line.split(separator: "\t").map(String.init)
    guard fields.count == 4, let width = Int(fields[1]), let height = Int(fields[2]) else {
      throw Failure(description: "bad line \(line)")
    }
    let image = try loadRGB(fields[0], width: width, height: height)
    let startWall = wallSeconds(), startCPU = processCPUSeconds()
    let result = try search.proposals(for: image)
    let seconds = wallSeconds() - startWall
    cpu += processCPUSeconds() - startCPU
    wall += seconds
    proposals += result.count
    records.append(
      ProposalRecord(
        image: fields[3], width: width, height: height, seconds: seconds, proposals: result))
  }
  try ProposalFile.write(records, to: URL(fileURLWithPath: arguments[3]))
  let n = Double(max(records.count, 1))
  print(
    try json([
      "side": "regionkit", "mode": arguments[1], "threads": threads, "images": records.count,
      "seconds_per_image": wall / n, "cpu_seconds_per_image": cpu / n,
      "proposals_per_image": Double(proposals) / n,
    ]))
}

func evaluate(_ arguments: [String]) throws {
  guard arguments.count >= 2 else {
    throw Failure(description: "usage: evaluate DATASET FILE.jsonl...")
  }
  let dataset = try Dataset.load(from: URL(fileURLWithPath: arguments[0]))
  let counts = [100, 300, 1000, 2000, 1_000_000]
  let evaluation = ProposalEvaluation(configuration: .init(proposalCounts: counts))
  for file in arguments.dropFirst() {
    let records = try ProposalFile.read(contentsOf: URL(fileURLWithPath: file))
    let summary = try evaluation.evaluate(records: records, dataset: dataset).summary
    var row: [String: Any] = [
      "file": file, "images": summary.imageCount, "objects": summary.objectCount,
      "proposals_per_image": summary.meanProposalsPerImage,
    ]
    for count in counts {
      let key = count == 1_000_000 ? "all" : "\(count)"
      row["recall50@\(key)"] = summary.recall(iou: 0.5, proposals: count) ?? -1
      row["recall70@\(key)"] = summary.recall(iou: 0.7, proposals: count) ?? -1
      row["ar@\(key)"] = summary.averageRecall(proposals: count) ?? -1
      row["mabo@\(key)"] = summary.meanAverageBestOverlap(proposals: count) ?? -1
    }
    print(try json(row))
  }
}

func rss(_ arguments: [String]) throws {
  guard arguments.count == 4, let width = Int(arguments[2]), let height = Int(arguments[3]) else {
    throw Failure(description: "usage: rss MODE PATH WIDTH HEIGHT")
  }
  let image = try loadRGB(arguments[1], width: width, height: height)
  let before = peakRSSKiB()
  let start = wallSeconds(), startCPU = processCPUSeconds()
  let result = try SelectiveSearch(mode: try mode(arguments[0]), seed: 0, threads: 1).proposals(
    for: image)
  let wall = wallSeconds() - start, seconds = processCPUSeconds() - startCPU
  print(
    try json([
      "side": "regionkit", "mode": arguments[0], "width": width, "height": height,
      "seconds": seconds, "wall_seconds": wall, "proposals": result.count,
      "peak_rss_kib_before": before,
      "peak_rss_kib": peakRSSKiB(),
    ]))
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "propose": try propose(Array(arguments.dropFirst()))
  case "evaluate": try evaluate(Array(arguments.dropFirst()))
  case "rss": try rss(Array(arguments.dropFirst()))
  default: throw Failure(description: "usage: SelectiveSearchTimer propose|evaluate|rss ...")
  }
} catch {
  FileHandle.standardError.write(Data("SelectiveSearchTimer: \(error)\n".utf8))
  exit(1)
}
