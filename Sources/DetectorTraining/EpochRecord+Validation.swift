import Detectors

extension EpochRecord {
  /// Checks every value a file can carry: the loss names match the losses, every loss,
  /// learning rate and time is finite and not negative, AP values are in `[0, 1]` (or `-1`,
  /// COCO's "no object to find"), and localisation metrics are shares in `[0, 1]`.
  ///
  /// - Parameter check: The file and the key prefix (`history[3].`) for the error.
  /// - Throws: ``/Detectors/DetectorsError/invalidValue(file:key:value:allowed:)`` naming the
  ///   key, such as `history[3].losses.box`.
  package func validate(_ check: ConfigurationCheck) throws {
    guard Set(lossNames) == Set(losses.keys), lossNames.count == losses.count else {
      throw check.fail(
        "lossNames", "\(lossNames)",
        allowed: "the keys of losses, once each: \(losses.keys.sorted())")
    }
    for name in lossNames {
      try check.number(
        "losses.\(name)", losses[name] ?? .nan, in: 0...Double.greatestFiniteMagnitude)
    }
    try check.number("learningRate", learningRate, in: 0...1e6)
    try check.number("seconds", seconds, in: 0...Double.greatestFiniteMagnitude)
    if let validationAP50 { try Self.checkAP(check, "validationAP50", validationAP50) }
    if let validationAP { try Self.checkAP(check, "validationAP", validationAP) }
    if let localization {
      try check.number("localization.meanIoU", localization.meanIoU, in: 0...1)
      try check.number(
        "localization.localizationAccuracy", localization.localizationAccuracy, in: 0...1)
      try check.number(
        "localization.classificationAccuracy", localization.classificationAccuracy, in: 0...1)
      try check.integer("localization.count", localization.count, in: 0...Int.max)
    }
  }

  private static func checkAP(_ check: ConfigurationCheck, _ key: String, _ value: Double) throws {
    guard value == -1 || (value.isFinite && (0...1).contains(value)) else {
      throw check.fail(key, "\(value)", allowed: "0 to 1, or -1 (no object to find)")
    }
  }
}
