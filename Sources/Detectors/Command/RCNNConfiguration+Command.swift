extension RCNNConfiguration {
  /// The configuration with the crop size a command announced: `inputSize` becomes the
  /// handshake's `crop_size` (and `contextPadding` the default for it, when the size changes),
  /// and the handshake is kept in ``commandHandshake``.
  ///
  /// - Parameter handshake: What the command announced.
  /// - Returns: The adjusted configuration.
  public func adopting(_ handshake: CommandClassifierHandshake) -> RCNNConfiguration {
    var result = self
    if inputSize != handshake.cropSize {
      result.inputSize = handshake.cropSize
      result.contextPadding = RCNN.defaultContextPadding(inputSize: handshake.cropSize)
    }
    result.commandHandshake = handshake
    return result
  }

  /// The command backend's keys: `command` present (and valid) exactly for that backend, and
  /// the stored handshake's crop size equal to `inputSize`.
  func validateCommand(_ check: ConfigurationCheck) throws {
    guard backend == .command else {
      if command != nil {
        throw check.fail(
          "command", "set for backend \(backend.rawValue)", allowed: "only with backend command")
      }
      return
    }
    guard let command else {
      throw check.fail(
        "command", "missing", allowed: "the classifier command's settings for backend command")
    }
    try command.validate(check, key: "command")
    if let commandHandshake, commandHandshake.cropSize != inputSize {
      throw check.fail(
        "commandHandshake.crop_size", "\(commandHandshake.cropSize)",
        allowed: "the inputSize, \(inputSize)")
    }
  }
}
