import Detectors
import Foundation

/// The progress of a training run, `trainer_state.json` in each checkpoint: the last
/// finished epoch and one record per epoch.
public struct TrainerState: Sendable, Hashable, Codable {
  /// The last finished epoch, from 1.
  public var epoch: Int
  /// One record per finished epoch.
  public var history: [EpochRecord]

  /// Creates a state; every parameter is the property of the same name.
  public init(epoch: Int, history: [EpochRecord]) {
    self.epoch = epoch
    self.history = history
  }

  /// Checks that the epoch is positive, the history has one record per epoch, in order, and
  /// every record's values are in range (``EpochRecord``'s losses, learning rate, time and
  /// validation metrics).
  ///
  /// - Throws: ``/Detectors/DetectorsError/malformedCheckpoint(file:reason:)`` naming `file`
  ///   for the epochs, ``/Detectors/DetectorsError/invalidValue(file:key:value:allowed:)``
  ///   naming `file` and the key (`history[2].losses.box`) for a value out of range.
  public func validate(file: String) throws {
    guard epoch >= 1, epoch <= 100_000 else {
      throw DetectorsError.malformedCheckpoint(
        file: file, reason: "epoch \(epoch) is not 1 or more")
    }
    guard history.map(\.epoch) == Array(1...epoch) else {
      throw DetectorsError.malformedCheckpoint(
        file: file, reason: "the history has epochs \(history.map(\.epoch)), expected 1...\(epoch)")
    }
    for (index, record) in history.enumerated() {
      try record.validate(ConfigurationCheck(file: file, prefix: "history[\(index)]."))
    }
  }
}
