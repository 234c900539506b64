// Measures the peak resident memory of one proposal method on one image, in a fresh process,
// for the memory figures of Docs/benchmarks.md.
//
//   PeakMemory METHOD IMAGE WIDTH HEIGHT [--mode MODE] [--threads N]
//     METHOD: selective-search, edge-boxes, segments or sliding-window (the command line's
//     names, with the library's defaults and no cap on selective search). IMAGE is decoded and
//     resized to WIDTH x HEIGHT (bilinear) before the measurement. MODE: a selective-search
//     preset (default fast); N: its threads (default 1).
//
// The method's own peak is VmHWM after the call minus VmRSS just before it, with VmHWM reset
// (`/proc/self/clear_refs` "5") right before the call, so the decoded image and the program
// itself are not counted. Where the reset is refused, VmHWM may be the decoding's peak, and
// "reset" is false in the output. Prints one JSON line: method, mode, threads, width, height,
// pixels, ownPeakBytes, bytesPerPixel, seconds (wall time of the call), proposals, reset.
import Foundation
import Imaging
import Proposals

#if canImport(Glibc)
  import Glibc
#endif

struct Failure: Error, CustomStringConvertible {
  let description: String
}

/// The value in bytes of the `/proc/self/status` line starting with `key` (given in kB).
func statusBytes(_ key: String) throws -> Int {
  let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
  guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
  else { throw Failure(description: "/proc/self/status: no \(key) line") }
  return kilobytes * 1024
}

/// Resets VmHWM to the current VmRSS; false where the kernel refuses.
func resetPeak() -> Bool {
  guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
  defer { try? handle.close() }
  return (try? handle.write(contentsOf: Data("5".utf8))) != nil
}

func wallSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func generator(method: String, mode: String, threads: Int) throws -> any ProposalGenerator {
  switch method {
  case "selective-search":
    guard let preset = SelectiveSearch.Mode(rawValue: mode) else {
      throw Failure(description: "--mode \(mode): expected one of "
        + SelectiveSearch.Mode.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return SelectiveSearch(mode: preset, threads: threads)
  case "edge-boxes": return EdgeBoxes()
  case "segments": return SegmentBoxes()
  case "sliding-window": return SlidingWindow()
  default:
    throw Failure(
      description:
        "method \(method): expected selective-search, edge-boxes, segments or sliding-window")
  }
}

func run() throws {
  var arguments = Array(CommandLine.arguments.dropFirst())
  var mode = "fast"
  var threads = 1
  while let index = arguments.firstIndex(where: { $0.hasPrefix("--") }) {
    guard index + 1 < arguments.count else {
      throw Failure(description: "\(arguments[index]) needs a value")
    }
    let value = arguments[index + 1]
    switch arguments[index] {
    case "--mode": mode = value
    case "--threads":
      guard let count = Int(value), count >= 1 else {
        throw Failure(description: "--threads \(value): expected an integer >= 1")
      }
      threads = count
    default: throw Failure(description: "unknown option \(arguments[index])")
    }
    arguments.removeSubrange(index...(index + 1))
  }
  guard arguments.count == 4, let width = Int(arguments[2]), let height = Int(arguments[3]),
    width >= 1, height >= 1
  else {
    throw Failure(
      description: "usage: PeakMemory METHOD IMAGE WIDTH HEIGHT [--mode MODE] [--threads N]")
  }
  let method = arguments[0]
  let search = try generator(method: method, mode: mode, threads: threads)
  let image = try Image(contentsOf: URL(fileURLWithPath: arguments[1]))
    .resized(width: width, height: height)
  let before = try statusBytes("VmRSS")
  let reset = resetPeak()
  let start = wallSeconds()
  let proposals = try search.proposals(for: image)
  let seconds = wallSeconds() - start
  let peak = try statusBytes("VmHWM")
  let own = peak - before
  let pixels = width * height
  let fields: [String] = [
    "\"method\": \"\(method)\"", "\"mode\": \"\(method == "selective-search" ? mode : "")\"",
    "\"threads\": \(threads)", "\"width\": \(width)", "\"height\": \(height)",
    "\"pixels\": \(pixels)", "\"ownPeakBytes\": \(own)",
    "\"bytesPerPixel\": \(String(format: "%.1f", Double(own) / Double(pixels)))",
    "\"seconds\": \(String(format: "%.3f", seconds))", "\"proposals\": \(proposals.count)",
    "\"reset\": \(reset)",
  ]
  print("{" + fields.joined(separator: ", ") + "}")
  withExtendedLifetime(image) {}
}

do {
  try run()
} catch {
  FileHandle.standardError.write(Data("PeakMemory: \(error)\n".utf8))
  exit(1)
}
