import Foundation
import RegionKitTestSupport
import Testing

@testable import Detectors

/// R-CNN model folders with a classifier command: `config.json` checks, loading, and the
/// handshake checked against the folder.
@Suite struct RCNNConfigurationCommandTests {
  static let classes = [DetectorClass(name: "thing", categoryID: 7)]

  func configuration(command: CommandClassifier.Settings?) -> RCNNConfiguration {
    var configuration = RCNNConfiguration(backend: .command, classes: Self.classes, inputSize: 8)
    configuration.command = command
    return configuration
  }

  func invalidKey(_ configuration: RCNNConfiguration) -> String? {
    do {
      try configuration.validate(file: "config.json")
      return nil
    } catch DetectorsError.invalidValue(_, let key, _, _) {
      return key
    } catch {
      return "\(error)"
    }
  }

  @Test func checksTheCommandKeys() {
    #expect(invalidKey(configuration(command: .init(command: "python3 x.py"))) == nil)
    #expect(invalidKey(configuration(command: nil)) == "command")
    #expect(invalidKey(configuration(command: .init(command: ""))) == "command.commandLine")
    #expect(
      invalidKey(configuration(command: .init(command: "x", timeout: .nan))) == "command.timeout")
    #expect(
      invalidKey(configuration(command: .init(command: "x", processes: 65)))
        == "command.processes")
    var cnn = RCNNConfiguration(backend: .cnn, classes: Self.classes)
    cnn.command = .init(command: "x")
    #expect(invalidKey(cnn) == "command")
    var mismatched = configuration(command: .init(command: "x"))
    mismatched.commandHandshake = CommandClassifierHandshake(classes: ["thing"], cropSize: 16)
    #expect(invalidKey(mismatched) == "commandHandshake.crop_size")
  }

  @Test func adoptsTheHandshakesCropSize() {
    let handshake = CommandClassifierHandshake(classes: ["thing"], cropSize: 64)
    let adopted = configuration(command: .init(command: "x")).adopting(handshake)
    #expect(adopted.inputSize == 64)
    #expect(adopted.contextPadding == RCNN.defaultContextPadding(inputSize: 64))
    #expect(adopted.commandHandshake == handshake)
    var custom = configuration(command: .init(command: "x"))
    custom.contextPadding = 0
    #expect(
      custom.adopting(CommandClassifierHandshake(classes: ["thing"], cropSize: 8)).contextPadding
        == 0)
  }

  @Test func loadsAModelFolderAndChecksTheHandshakeAgainstIt() throws {
    let folder = try Fixtures.temporaryDirectory("rcnn-command-folder")
    defer { try? FileManager.default.removeItem(at: folder) }
    let script = folder.appendingPathComponent("classifier.sh")
    try """
    echo '\(CommandClassifierTests.handshakeLine(classes: ["NAME"]))' | sed "s/NAME/$1/"
    cat > /dev/null
    """.write(to: script, atomically: true, encoding: .utf8)
    let model = folder.appendingPathComponent("model")
    let good = configuration(command: .init(command: "/bin/sh '\(script.path)' thing"))
      .adopting(CommandClassifierHandshake(classes: ["thing"], cropSize: 8))
    try ModelFolder.save(configuration: good, tensors: [:], to: model)
    let detector = try DetectorModel.load(from: model)
    let rcnn = try #require(detector as? RCNN)
    #expect(rcnn.classifier.classes == ["thing"])
    #expect(rcnn.classes == Self.classes)

    var renamed = good
    renamed.command = .init(command: "/bin/sh '\(script.path)' other")
    try ModelFolder.save(configuration: renamed, tensors: [:], to: model)
    do {
      _ = try DetectorModel.load(from: model)
      Issue.record("loaded a command whose classes differ from config.json")
    } catch DetectorsError.classifierCommandFailed(let command, let problem, _) {
      #expect(command == renamed.command?.commandLine)
      #expect(
        problem
          == .handshakeMismatch(
            key: "classes", announced: "[\"other\"]", expected: "[\"thing\"]",
            source: model.appendingPathComponent("config.json").path))
    }
  }
}
