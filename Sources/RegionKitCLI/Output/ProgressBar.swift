import Foundation

/// A progress bar on standard error for long work: count, percentage, rate and ETA.
///
/// On a terminal it redraws one line in place (at most 10 times a second); when standard
/// error is a file or a pipe (CI logs) it prints a line at every 10 % instead. Safe to call
/// from many tasks at once.
///
///     let progress = ProgressBar(total: images.count, label: "selective-search", unit: "images")
///     for image in images { ...; progress.advance() }
///     progress.finish()
final class ProgressBar: @unchecked Sendable {
  private let total: Int
  private let label: String
  private let unit: String
  private let isTerminal: Bool
  private let isEnabled: Bool
  private let start = Date()
  private let lock = NSLock()
  private var done = 0
  /// Extra text after the ETA (e.g. the current loss terms), set by ``advance(by:status:)``.
  private var status = ""
  private var lastDraw = Date.distantPast
  private var lastDecile = -1
  private var lastPrinted = -1

  /// - Parameters:
  ///   - total: The number of items.
  ///   - label: What is being done, shown first.
  ///   - unit: The items' name, e.g. `"images"`.
  ///   - isEnabled: `false` draws nothing (for `--quiet`). Default: `true`.
  init(total: Int, label: String, unit: String = "images", isEnabled: Bool = true) {
    self.total = max(total, 0)
    self.label = label
    self.unit = unit
    self.isEnabled = isEnabled
    self.isTerminal = isatty(STDERR_FILENO) == 1
  }

  /// Counts `count` more items as done; `status` (e.g. current losses), when given, is shown
  /// after the ETA from now on.
  func advance(by count: Int = 1, status: String? = nil) {
    lock.withLock {
      done += count
      if let status { self.status = status }
      draw(force: false)
    }
  }

  /// Draws the final state and ends the line.
  func finish() {
    lock.withLock {
      draw(force: true)
      if isEnabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
  }

  private func draw(force: Bool) {
    guard isEnabled else { return }
    let now = Date()
    if isTerminal {
      guard force || now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
      lastDraw = now
      FileHandle.standardError.write(Data(("\r" + line(now: now) + "\u{1B}[K").utf8))
    } else {
      let decile = total == 0 ? 10 : done * 10 / total
      guard force ? lastPrinted != done : decile > lastDecile else { return }
      lastDecile = decile
      lastPrinted = done
      FileHandle.standardError.write(Data((line(now: now) + "\n").utf8))
    }
  }

  private func line(now: Date) -> String {
    let elapsed = now.timeIntervalSince(start)
    let fraction = total == 0 ? 1 : Double(done) / Double(total)
    let width = 24
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let remaining = rate > 0 ? Double(total - done) / rate : .infinity
    return "\(label) [\(bar)] \(done)/\(total) \(unit) \(String(format: "%3.0f%%", fraction * 100))"
      + String(format: " %.2f %@/s", rate, unit)
      + " elapsed \(Self.clock(elapsed)) ETA \(done == total ? "0:00" : Self.clock(remaining))"
      + (status.isEmpty ? "" : " " + status)
  }

  /// `m:ss` or `h:mm:ss`; `--:--` when unknown.
  static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "--:--" }
    let whole = Int(seconds.rounded())
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
    return hours > 0
      ? String(format: "%d:%02d:%02d", hours, minutes, secs)
      : String(format: "%d:%02d", minutes, secs)
  }
}
