import Detectors
import Foundation

/// `regionkit model info FOLDER`: what a model folder holds; for an R-CNN with a classifier
/// command, the command, its settings, the handshake recorded at training and the one it gives
/// now (the command is started to read it).
enum ModelFolderInfo {
  static func describe(_ folder: URL, json: Bool) throws {
    let architecture = try ModelFolder.architecture(in: folder)
    let classes: [DetectorClass]
    var rcnn: RCNNConfiguration?
    switch architecture {
    case .classifyLocalize:
      classes = try ModelFolder.configuration(ClassifyAndLocalizeConfiguration.self, in: folder)
        .classes
    case .fastRCNN, .fasterRCNN:
      classes = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder).classes
    case .rcnn:
      let configuration = try ModelFolder.configuration(RCNNConfiguration.self, in: folder)
      classes = configuration.classes
      rcnn = configuration
    }
    var live: CommandClassifierHandshake?
    if let rcnn, rcnn.backend == .command {
      let source = folder.appendingPathComponent(ModelFolder.configurationFile).path
      live = try DetectorModel.commandClassifier(rcnn, source: source).handshake
    }
    if json {
      print(try JSONOutput.string(object(folder, architecture, classes, rcnn, live)))
      return
    }
    print("model folder: \(folder.path)")
    print("architecture: \(architecture.rawValue)")
    print("classes: " + classes.map { "\($0.name) (\($0.categoryID))" }.joined(separator: ", "))
    guard let rcnn else { return }
    print("classifier: \(rcnn.backend.rawValue)")
    print("crop size: \(rcnn.inputSize) px, context \(rcnn.contextPadding) px")
    if let command = rcnn.command {
      print("command: \(command.commandLine)")
      print("command timeout: \(command.timeout) s per batch; processes: \(command.processes)")
    }
    if let stored = rcnn.commandHandshake { print("handshake at training: \(stored.jsonLine)") }
    if let live { print("handshake now: \(live.jsonLine)") }
  }

  private static func object(
    _ folder: URL, _ architecture: DetectorArchitecture, _ classes: [DetectorClass],
    _ rcnn: RCNNConfiguration?, _ live: CommandClassifierHandshake?
  ) throws -> [String: Any] {
    var object: [String: Any] = [
      "folder": folder.path, "architecture": architecture.rawValue,
      "classes": classes.map { ["name": $0.name, "category_id": $0.categoryID] as [String: Any] },
    ]
    guard let rcnn else { return object }
    object["classifier"] = rcnn.backend.rawValue
    object["crop_size"] = rcnn.inputSize
    object["context_padding"] = rcnn.contextPadding
    if let command = rcnn.command {
      object["command"] = [
        "command_line": command.commandLine, "timeout": command.timeout,
        "processes": command.processes,
      ]
    }
    func dictionary(_ handshake: CommandClassifierHandshake) throws -> Any {
      try JSONSerialization.jsonObject(with: Data(handshake.jsonLine.utf8))
    }
    if let stored = rcnn.commandHandshake {
      object["handshake_at_training"] = try dictionary(stored)
    }
    if let live { object["handshake"] = try dictionary(live) }
    return object
  }
}
