#if canImport(Glibc)
  import Glibc
#endif

/// What went wrong with an out-of-process classifier, the `problem` of
/// ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``.
///
/// Each case reads as the end of a sentence that starts with the command:
/// "Classifier command `python3 my.py` exited with status 1 while answering a batch of 256
/// regions."
public enum CommandClassifierProblem: Error, Sendable, Equatable, CustomStringConvertible {
  /// When in the protocol a failure happened.
  public enum Stage: Sendable, Equatable, CustomStringConvertible {
    /// Starting the command and reading its handshake line.
    case handshake
    /// Sending a batch of `regions` crops and reading the answer.
    case batch(regions: Int)

    /// "before finishing its handshake" or "while answering a batch of 256 regions".
    public var description: String {
      switch self {
      case .handshake: "before finishing its handshake"
      case .batch(let regions): "while answering a batch of \(regions) regions"
      }
    }
  }

  /// The process could not be created, or the shell could not find or execute the program
  /// (exit status 127 or 126 before the handshake).
  case cannotStart(reason: String)
  /// The process exited on its own with `status` (the shell's status: 128 + N means the
  /// program was killed by signal N).
  case exited(status: Int32, stage: Stage)
  /// The process was killed by `signal`.
  case killed(signal: Int32, stage: Stage)
  /// No complete handshake or answer within the time limit; the process was killed.
  case timedOut(seconds: Double, stage: Stage)
  /// The process closed its standard input before reading a whole batch, and kept running.
  case stoppedReading(stage: Stage)
  /// The process closed its standard output before answering, and kept running.
  case closedOutput(stage: Stage)
  /// Reading or writing the process's pipes failed (`reason` is the system's message).
  case ioFailure(reason: String, stage: Stage)
  /// The first line of standard output is not a valid handshake.
  case malformedHandshake(reason: String)
  /// The handshake is valid but differs from what `source` expects (the dataset's classes, a
  /// model folder's `config.json`, the pool's first process).
  case handshakeMismatch(key: String, announced: String, expected: String, source: String)
  /// An answer is not the `.npy` array the protocol asks for (magic, version, dtype, shape,
  /// non-finite values, bytes after the answer).
  case malformedAnswer(reason: String, stage: Stage)
  /// ``CommandClassifier/classify(_:)`` was given regions of the wrong shape (not
  /// `[R, 3, S, S]` with the announced crop size `S`).
  case unexpectedRegions(shape: [Int], expected: String)

  /// The end of a sentence that starts with the command.
  public var description: String {
    switch self {
    case .cannotStart(let reason):
      "could not be started: \(reason)"
    case .exited(let status, let stage):
      "exited with status \(status)\(Self.statusNote(status)) \(stage)"
    case .killed(let signal, let stage):
      "was killed by signal \(signal)\(Self.signalName(signal)) \(stage)"
    case .timedOut(let seconds, let stage):
      "did not answer within its time limit of \(seconds) s \(stage), and was killed"
    case .stoppedReading(let stage):
      "closed its standard input without reading the whole request \(stage)"
    case .closedOutput(let stage):
      "closed its standard output \(stage)"
    case .ioFailure(let reason, let stage):
      "could not be read or written \(stage): \(reason)"
    case .malformedHandshake(let reason):
      "wrote a malformed handshake: \(reason)"
    case .handshakeMismatch(let key, let announced, let expected, let source):
      "announces \(key) \(announced), but \(source) has \(expected)"
    case .malformedAnswer(let reason, let stage):
      "broke the protocol \(stage): \(reason)"
    case .unexpectedRegions(let shape, let expected):
      "was given regions of shape \(shape), but its handshake asks for \(expected)"
    }
  }

  /// " (SIGKILL: Killed)"-style note for a signal number.
  static func signalName(_ signal: Int32) -> String {
    guard let text = strsignal(signal) else { return "" }
    return " (\(String(cString: text)))"
  }

  /// What the shell's exit status says beyond the number.
  static func statusNote(_ status: Int32) -> String {
    switch status {
    case 126: " (the shell could not execute the program)"
    case 127: " (the shell could not find the program)"
    case 129...192:
      " (the shell's report of a program killed by signal \(status - 128)"
        + "\(signalName(status - 128)))"
    default: ""
    }
  }
}
