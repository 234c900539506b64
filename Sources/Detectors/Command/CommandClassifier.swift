import Foundation
import NeuralNet
import ProposalIO

/// A ``RegionClassifier`` in any language: a command run as a child process that speaks
/// RegionKit's classifier protocol on its standard input and output.
///
///     let classifier = try CommandClassifier(.init(command: "python3 my_classifier.py"))
///     let rcnn = RCNN(classifier: classifier, inputSize: classifier.handshake.cropSize)
///
/// The protocol (version 1; <doc:PlugInYourOwnClassifier> has the full text):
/// 1. RegionKit starts `/bin/sh -c COMMAND` in the current directory. The command writes one
///    line of JSON, the ``CommandClassifierHandshake``: classes, crop size, channel order,
///    whether it returns box deltas.
/// 2. For each batch RegionKit writes the crops to its standard input as one `.npy` array,
///    `<f4` `[R, 3, S, S]` in the announced channel order, values in `[0, 1]`; the command
///    writes back a `.npy` `<f4` `[R, K + 1]` of probabilities (column 0 background), then,
///    if announced, a `.npy` `<f4` `[R, 4 (K + 1)]` of box deltas, and flushes.
/// 3. At the end RegionKit closes the command's standard input; the command exits.
///
/// Answers are passed on unchanged (after checking dtype, shape and that every value is
/// finite), so the detector is as deterministic as the command. Each process serves one batch
/// at a time; up to ``Settings/processes`` copies run when several threads classify at once
/// (default 1: batches are served one after the other). The processes are stopped when the
/// last copy of the classifier is released, and at exit.
///
/// Failures are ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``
/// naming the command, with the end of its standard error: it cannot be started, exits or is
/// killed, exceeds ``Settings/timeout`` for its handshake or a batch, writes a malformed
/// handshake, or answers with a malformed `.npy`, the wrong dtype or shape, or NaN or
/// infinity. The failed process is killed and reaped; the next batch starts a fresh one.
public struct CommandClassifier: RegionClassifier {
  /// How to run the command, as stored in a model folder's `config.json` (`"command"`).
  public struct Settings: Sendable, Hashable, Codable {
    /// The command line, run with `/bin/sh -c` in the current directory (so an absolute path
    /// keeps a model folder usable from anywhere).
    public var commandLine: String
    /// Seconds the command may take for its handshake and for each batch. Default: 60.
    public var timeout: Double
    /// Copies of the command run at once, each serving one batch at a time. Default: 1.
    public var processes: Int

    /// Settings with the defaults above.
    ///
    /// - Parameters:
    ///   - command: The command line, e.g. `"python3 my_classifier.py"`.
    ///   - timeout: Seconds for the handshake and for each batch, 0.001 to 86400. Default: 60.
    ///   - processes: Copies run at once, 1 to 64. Default: 1.
    public init(command: String, timeout: Double = 60, processes: Int = 1) {
      self.commandLine = command
      self.timeout = timeout
      self.processes = processes
    }

    /// Checks the values.
    ///
    /// - Parameters:
    ///   - check: The file and prefix for errors.
    ///   - key: The key the settings are stored under (`"command"`).
    /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
    package func validate(_ check: ConfigurationCheck, key: String) throws {
      guard !commandLine.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw check.fail("\(key).commandLine", "empty", allowed: "a command line")
      }
      guard !commandLine.contains("\0") else {
        throw check.fail("\(key).commandLine", "\"\(commandLine)\"", allowed: "no NUL character")
      }
      try check.number("\(key).timeout", timeout, in: 0.001...86_400)
      try check.integer("\(key).processes", processes, in: 1...64)
    }
  }

  /// How the command is run.
  public let settings: Settings
  private let pool: CommandProcessPool

  /// Starts the command and reads its handshake.
  ///
  /// - Parameter settings: The command line, time limit and number of processes.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` for settings out of
  ///   range; ``DetectorsError/classifierCommandFailed(command:problem:standardError:)`` when
  ///   the command cannot be started, exits, times out or writes a malformed handshake.
  public init(_ settings: Settings) throws {
    try settings.validate(
      ConfigurationCheck(file: "the classifier command settings"), key: "command")
    self.settings = settings
    pool = try CommandProcessPool(settings: settings)
  }

  /// What the command announced when it started.
  public var handshake: CommandClassifierHandshake { pool.handshake }

  /// The command's classes, label order.
  public var classes: [String] { pool.handshake.classes }

  /// The process ids of the running copies of the command (the shells started with
  /// `/bin/sh -c`), for tests.
  package var processIdentifiers: [Int32] { pool.processIdentifiers }

  /// Sends one batch of crops to the command and returns its answer unchanged.
  ///
  /// - Parameter regions: `[R, 3, S, S]` RGB crops in `[0, 1]`, `S` the announced crop size;
  ///   swapped to BGR on the way when the handshake asks for it. No process is involved when
  ///   `R` is 0.
  /// - Returns: `[R, K + 1]` probabilities, and `[R, 4 (K + 1)]` box deltas when announced.
  /// - Throws: ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``.
  public func classify(_ regions: Tensor) throws -> RegionClassification {
    let handshake = pool.handshake
    let size = handshake.cropSize
    let k = handshake.classes.count
    guard regions.rank == 4, regions.shape[1] == 3, regions.shape[2] == size,
      regions.shape[3] == size
    else {
      throw DetectorsError.classifierCommandFailed(
        command: settings.commandLine,
        problem: .unexpectedRegions(shape: regions.shape, expected: "[R, 3, \(size), \(size)]"),
        standardError: "")
    }
    let count = regions.shape[0]
    guard count > 0 else {
      return RegionClassification(
        probabilities: Tensor(shape: [0, k + 1]),
        boxDeltas: handshake.boxDeltas ? Tensor(shape: [0, 4 * (k + 1)]) : nil)
    }
    let header = [UInt8](NPYHeader(descr: "<f4", shape: regions.shape).encoded())
    let pixels = Self.wirePixels(regions, channelOrder: handshake.channelOrder)
    let answer = try pool.withProcess { process in
      try header.withUnsafeBytes { headerBytes in
        try pixels.withUnsafeBytes { pixelBytes in
          try process.answer(
            [headerBytes, pixelBytes], regions: count, classes: k, boxDeltas: handshake.boxDeltas,
            timeout: settings.timeout)
        }
      }
    }
    return RegionClassification(
      probabilities: Tensor(shape: [count, k + 1], data: answer.probabilities),
      boxDeltas: answer.boxDeltas.map { Tensor(shape: [count, 4 * (k + 1)], data: $0) })
  }

  /// Checks the handshake against what a model or dataset expects.
  ///
  /// - Parameters:
  ///   - classes: The class names, label order.
  ///   - cropSize: The crop side, or `nil` to accept any.
  ///   - source: What holds the expected values, for the error ("the dataset",
  ///     "model/config.json").
  /// - Throws: ``CommandClassifierProblem/handshakeMismatch(key:announced:expected:source:)``
  ///   in a ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``.
  public func checkHandshake(classes: [String], cropSize: Int?, source: String) throws {
    if handshake.classes != classes {
      throw DetectorsError.classifierCommandFailed(
        command: settings.commandLine,
        problem: .handshakeMismatch(
          key: "classes", announced: "\(handshake.classes)", expected: "\(classes)",
          source: source),
        standardError: "")
    }
    if let cropSize, handshake.cropSize != cropSize {
      throw DetectorsError.classifierCommandFailed(
        command: settings.commandLine,
        problem: .handshakeMismatch(
          key: "crop_size", announced: "\(handshake.cropSize)", expected: "\(cropSize)",
          source: source),
        standardError: "")
    }
  }

  /// The pixels as they go on the wire: the tensor's own values for RGB (no copy), the first
  /// and third planes of each crop swapped for BGR; little-endian either way.
  private static func wirePixels(
    _ regions: Tensor, channelOrder: InputNormalization.ChannelOrder
  ) -> [Float] {
    var pixels = regions.data
    if channelOrder == .bgr {
      let plane = regions.shape[2] * regions.shape[3]
      pixels.withUnsafeMutableBufferPointer { values in
        for region in 0..<regions.shape[0] {
          let red = region * 3 * plane
          let blue = red + 2 * plane
          for index in 0..<plane { values.swapAt(red + index, blue + index) }
        }
      }
    }
    #if _endian(big)
      for index in pixels.indices {
        pixels[index] = Float(bitPattern: pixels[index].bitPattern.littleEndian)
      }
    #endif
    return pixels
  }
}

extension DetectorModel {
  /// The command classifier of an R-CNN configuration with backend command, started and
  /// checked against the configuration's classes and crop size.
  ///
  /// - Parameters:
  ///   - configuration: An R-CNN configuration whose `command` is set.
  ///   - source: The file the configuration came from, for errors.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` without settings, or
  ///   the errors of ``CommandClassifier/init(_:)`` and
  ///   ``CommandClassifier/checkHandshake(classes:cropSize:source:)``.
  public static func commandClassifier(_ configuration: RCNNConfiguration, source: String) throws
    -> CommandClassifier
  {
    guard let settings = configuration.command else {
      throw ConfigurationCheck(file: source).fail(
        "command", "missing", allowed: "the classifier command's settings for backend command")
    }
    let classifier = try CommandClassifier(settings)
    try classifier.checkHandshake(
      classes: configuration.classNames, cropSize: configuration.inputSize, source: source)
    return classifier
  }
}
