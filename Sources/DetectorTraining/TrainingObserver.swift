/// What a trainer reports while it runs: progress through its stages (preparing data, each
/// epoch, validation), one record per finished epoch, and notes.
///
/// Every method has an empty default, so an observer implements only what it shows. Methods
/// may be called from worker threads.
public protocol TrainingObserver: Sendable {
  /// A stage of `total` units (`unit`: images or regions) starts.
  func stageStarted(_ name: String, total: Int, unit: String)
  /// `count` more units of the current stage are done; `status` is a short running summary.
  func advanced(by count: Int, status: String?)
  /// The current stage is done.
  func stageFinished()
  /// An epoch is done; `remainingSeconds` estimates the rest of the run (nil before the first
  /// epoch has been timed).
  func epochFinished(_ record: EpochRecord, epochs: Int, remainingSeconds: Double?)
  /// A line worth telling the user (data counts, what was skipped).
  func note(_ text: String)
}

extension TrainingObserver {
  public func stageStarted(_ name: String, total: Int, unit: String) {}
  public func advanced(by count: Int, status: String?) {}
  public func stageFinished() {}
  public func epochFinished(_ record: EpochRecord, epochs: Int, remainingSeconds: Double?) {}
  public func note(_ text: String) {}
}

/// An observer that shows nothing.
public struct SilentTrainingObserver: TrainingObserver {
  /// Creates the observer.
  public init() {}
}
