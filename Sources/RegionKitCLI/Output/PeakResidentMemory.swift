import Foundation

/// The high-water mark of this program's resident memory, in MB: `VmHWM` of
/// `/proc/self/status`.
///
/// Unlike `getrusage`'s `ru_maxrss`, which Linux carries over `execve` from the address space
/// the process started in (a `vfork`-style spawn shares its parent's, so a program started by
/// a large one reports the parent's peak), `VmHWM` belongs to this program's own address
/// space. Falls back to `ru_maxrss` where `/proc` cannot be read.
func peakResidentMemoryMB() -> Double {
  if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
  {
    return kilobytes / 1024
  }
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}
