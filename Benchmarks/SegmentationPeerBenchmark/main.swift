// Times RegionKit's segmentation on raw RGB images, single thread.
//
//   SegmentationPeerBenchmark time LIST.tsv OUT.tsv [--repeats N] [--labels DIR]
//       [--methods fh,slic] [--fh-connectivity 8|4]
//     LIST.tsv: one line per image, "path<TAB>width<TAB>height" (path: width*height*3 uint8 RGB).
//     Writes "name<TAB>method<TAB>seconds<TAB>segments" per image and method (best of N runs,
//     thread CPU time),
//     and with --labels the label maps as int32 little-endian files DIR/<name>.<method>.i32.
//   SegmentationPeerBenchmark rss METHOD PATH WIDTH HEIGHT
//     Runs one segmentation and prints the peak resident set size (KiB) before and after.
//
// Parameters match Tools/peers/segmentation_peer.py (the peers' calls are listed there).
import Foundation
import Imaging
import Segmentation

#if canImport(Glibc)
  import Glibc
#endif

// `--fh-connectivity` may change the connectivity before any work starts (single thread).
nonisolated(unsafe) var felzenszwalb = FelzenszwalbSegmentation(
  threshold: 300, sigma: 0.8, minimumSize: 50)
let slic = SLIC(segments: 300, compactness: 10, sigma: 0, enforceConnectivity: true, iterations: 10)

func loadRGB(_ path: String, width: Int, height: Int) throws -> Image {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  guard data.count == width * height * 3 else {
    throw NSError(
      domain: "bench", code: 1,
      userInfo: [NSLocalizedDescriptionKey: "\(path): \(data.count) bytes"])
  }
  let pixels = data.map { Float($0) / 255 }
  return Image(width: width, height: height, channels: 3, pixels: pixels)
}

func run(_ method: String, _ image: Image) throws -> SegmentationResult {
  switch method {
  case "fh": return try felzenszwalb.segment(image)
  case "slic": return try slic.segment(image)
  default:
    throw NSError(
      domain: "bench", code: 2, userInfo: [NSLocalizedDescriptionKey: "unknown method \(method)"])
  }
}

/// CPU time of the calling thread, in seconds (robust to other processes on a shared
/// machine; everything measured here is single-threaded).
func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = threadCPUSeconds()
  try body()
  return threadCPUSeconds() - start
}

/// Peak resident set size of this process in KiB (`VmHWM` of /proc/self/status; unlike
/// `getrusage`'s `ru_maxrss` it is not inherited from the parent across fork and exec).
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

let arguments = CommandLine.arguments
do {
  if arguments.count >= 4 && arguments[1] == "time" {
    var repeats = 3
    var labelDirectory: String?
    var methods = ["fh", "slic"]
    var i = 4
    while i < arguments.count {
      if arguments[i] == "--repeats", i + 1 < arguments.count {
        repeats = Int(arguments[i + 1]) ?? 3
      }
      if arguments[i] == "--labels", i + 1 < arguments.count { labelDirectory = arguments[i + 1] }
      if arguments[i] == "--methods", i + 1 < arguments.count {
        methods = arguments[i + 1].split(separator: ",").map(String.init)
      }
      if arguments[i] == "--fh-connectivity", i + 1 < arguments.count {
        felzenszwalb.connectivity = arguments[i + 1] == "4" ? .four : .eight
      }
      i += 2
    }
    let list = try String(contentsOfFile: arguments[2], encoding: .utf8)
    var output = ""
    for line in list.split(separator: "\n") {
      let fields = line.split(separator: "\t").map(String.init)
      guard fields.count == 3, let width = Int(fields[1]), let height = Int(fields[2]) else {
        continue
      }
      let image = try loadRGB(fields[0], width: width, height: height)
      let name = URL(fileURLWithPath: fields[0]).deletingPathExtension().lastPathComponent
      for method in methods {
        var best = Double.infinity
        var result: SegmentationResult?
        for _ in 0..<repeats {
          best = min(best, try seconds { result = try run(method, image) })
        }
        guard let result else { continue }
        output += "\(name)\t\(method)\t\(best)\t\(result.labels.count)\n"
        if let labelDirectory {
          let data = result.labels.labels.withUnsafeBufferPointer { Data(buffer: $0) }
          try data.write(to: URL(fileURLWithPath: "\(labelDirectory)/\(name).\(method).i32"))
        }
      }
    }
    try output.write(toFile: arguments[3], atomically: true, encoding: .utf8)
  } else if arguments.count == 6 && arguments[1] == "rss" {
    let image = try loadRGB(
      arguments[3], width: Int(arguments[4]) ?? 0, height: Int(arguments[5]) ?? 0)
    let before = peakRSSKiB()
    var segments = 0
    let time = try seconds { segments = try run(arguments[2], image).labels.count }
    print(
      "method=\(arguments[2]) before_kib=\(before) peak_kib=\(peakRSSKiB()) seconds=\(time) segments=\(segments)"
    )
  } else {
    let usage =
      "usage: SegmentationPeerBenchmark time LIST OUT [--repeats N] [--labels DIR]"
      + " [--methods fh,slic] [--fh-connectivity 8|4] | rss METHOD PATH W H\n"
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
  }
} catch {
  FileHandle.standardError.write("error: \(error)\n".data(using: .utf8)!)
  exit(1)
}
