import DetectorTraining
import Foundation

/// Shows a training run: a progress bar per stage (unless `--no-progress`), one line per epoch
/// with its losses and validation AP50 and, after the first, the time left; notes on standard
/// error.
final class TrainingProgress: TrainingObserver, @unchecked Sendable {
  private let showsBars: Bool
  private let lock = NSLock()
  private var bar: ProgressBar?

  init(showsBars: Bool) { self.showsBars = showsBars }

  func stageStarted(_ name: String, total: Int, unit: String) {
    lock.withLock { bar = ProgressBar(total: total, label: name, unit: unit, isEnabled: showsBars) }
  }

  func advanced(by count: Int, status: String?) {
    lock.withLock { bar }?.advance(by: count, status: status)
  }

  func stageFinished() {
    lock.withLock {
      bar?.finish()
      bar = nil
    }
  }

  func epochFinished(_ record: EpochRecord, epochs: Int, remainingSeconds: Double?) {
    var line = record.summary(epochs: epochs)
    if let remainingSeconds, record.epoch < epochs {
      line += "; about \(Self.duration(remainingSeconds)) left"
    }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600
      ? "\(s / 3600) h \(s % 3600 / 60) min" : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
  }
}
