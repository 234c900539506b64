import DetectorTraining
import Synchronization

/// A training observer that remembers the epochs it was told about and the notes.
final class RecordingObserver: TrainingObserver {
  private let storage = Mutex<(epochs: [Int], notes: [String])>(([], []))

  func epochFinished(_ record: EpochRecord, epochs: Int, remainingSeconds: Double?) {
    storage.withLock { $0.epochs.append(record.epoch) }
  }

  func note(_ text: String) {
    storage.withLock { $0.notes.append(text) }
  }

  /// The epochs reported, in order.
  var epochs: [Int] { storage.withLock { $0.epochs } }
  /// The notes, in order.
  var notes: [String] { storage.withLock { $0.notes } }
}
