import ArgumentParser
import Detectors

/// The options of `train rcnn --classifier command`: the command, its time limit and how many
/// copies run at once.
struct CommandClassifierOptions: ParsableArguments {
  private static let defaults = CommandClassifier.Settings(command: "-")

  @Option(
    help: ArgumentHelp(
      "The classifier command, run with /bin/sh -c in the current directory (an absolute path keeps the model usable from anywhere); it speaks RegionKit's classifier protocol on its standard input and output. Default: none.",
      valueName: "command-line"))
  var command: String?

  @Option(
    help:
      "Seconds the command may take for its handshake and for each batch of crops."
  )
  var commandTimeout: Double = defaults.timeout

  @Option(
    help:
      "Copies of the command run at once when images are classified on several threads; each serves one batch at a time."
  )
  var commandProcesses: Int = defaults.processes

  /// Option names for the keys of ``Detectors/CommandClassifier/Settings``.
  static let renames = [
    "commandLine": "--command", "timeout": "--command-timeout",
    "processes": "--command-processes",
  ]

  /// The settings these options give (`--command` must be set).
  var settings: CommandClassifier.Settings {
    CommandClassifier.Settings(
      command: command ?? "", timeout: commandTimeout, processes: commandProcesses)
  }

  /// `--command` goes with `--classifier command` and only with it; the command gives the
  /// crop size.
  func validate(classifier: RCNNBackend, cropSize: Int?) throws {
    if classifier == .command {
      guard command != nil else {
        throw ValidationError(
          "--classifier command needs --command, e.g. --command \"python3 my.py\"")
      }
      if cropSize != nil {
        throw ValidationError(
          "--crop-size does not apply to --classifier command: the command's handshake gives the crop size"
        )
      }
    } else if command != nil || commandTimeout != Self.defaults.timeout
      || commandProcesses != Self.defaults.processes
    {
      throw ValidationError(
        "--command, --command-timeout and --command-processes apply to --classifier command only")
    }
  }
}
