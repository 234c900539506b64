import Detectors
import Foundation
import Testing

/// The handshake line of the classifier protocol: parsing, every refusal, and its encoding in a
/// model folder's `config.json`.
@Suite struct CommandClassifierHandshakeTests {
  static let valid =
    #"{"protocol": "regionkit-classifier", "version": 1, "classes": ["cat", "dog"], "crop_size": 64, "channel_order": "bgr", "box_deltas": true, "name": "ignored"}"#

  func reason(_ line: String) -> String? {
    do {
      _ = try CommandClassifierHandshake.parse(Array(line.utf8))
      return nil
    } catch {
      guard case .malformedHandshake(let reason) = error else { return "\(error)" }
      return reason
    }
  }

  @Test func parsesEveryKeyAndIgnoresOthers() throws {
    let handshake = try CommandClassifierHandshake.parse(Array(Self.valid.utf8))
    #expect(
      handshake
        == CommandClassifierHandshake(
          classes: ["cat", "dog"], cropSize: 64, channelOrder: .bgr, boxDeltas: true))
    #expect(handshake.version == 1)
  }

  @Test func roundTripsThroughItsJSONLine() throws {
    let handshake = CommandClassifierHandshake(classes: ["a/b", "ü"], cropSize: 8)
    #expect(
      handshake.jsonLine
        == #"{"box_deltas":false,"channel_order":"rgb","classes":["a/b","ü"],"crop_size":8,"protocol":"regionkit-classifier","version":1}"#
    )
    #expect(try CommandClassifierHandshake.parse(Array(handshake.jsonLine.utf8)) == handshake)
    let decoded = try JSONDecoder().decode(
      CommandClassifierHandshake.self, from: JSONEncoder().encode(handshake))
    #expect(decoded == handshake)
  }

  @Test(arguments: [
    ("Loading weights", "is not a JSON object: \"Loading weights\""),
    ("[1, 2]", "is not a JSON object"),
    (
      valid.replacingOccurrences(of: "regionkit-classifier", with: "other"),
      "\"protocol\" is \"other\""
    ),
    (
      valid.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2"),
      "\"version\" is 2; this RegionKit speaks version 1"
    ),
    (valid.replacingOccurrences(of: "\"crop_size\": 64, ", with: ""), "missing key \"crop_size\""),
    (
      valid.replacingOccurrences(of: "\"crop_size\": 64", with: "\"crop_size\": \"64\""),
      "crop_size: expected"
    ),
    (
      valid.replacingOccurrences(of: "\"crop_size\": 64", with: "\"crop_size\": 4"),
      "\"crop_size\" is 4; allowed: 8 to 1024"
    ),
    (valid.replacingOccurrences(of: "\"bgr\"", with: "\"grb\""), "\"channel_order\" is \"grb\""),
    (
      valid.replacingOccurrences(of: "\"box_deltas\": true", with: "\"box_deltas\": \"yes\""),
      "box_deltas: expected"
    ),
    (valid.replacingOccurrences(of: "[\"cat\", \"dog\"]", with: "[]"), "\"classes\" has 0 names"),
    (valid.replacingOccurrences(of: "\"dog\"", with: "\"cat\""), "repeats a name"),
    (valid.replacingOccurrences(of: "\"dog\"", with: "\"\""), "\"classes\"[1] is an empty name"),
  ])
  func refusesWithTheKeyAtFault(line: String, fragment: String) throws {
    let found = try #require(reason(line), "accepted \(line)")
    #expect(found.contains(fragment), "\(found)")
  }

  @Test func refusesInvalidUTF8() throws {
    do {
      _ = try CommandClassifierHandshake.parse([0x7B, 0xFF, 0x7D])
      Issue.record("accepted invalid UTF-8")
    } catch {
      #expect(
        error == .malformedHandshake(reason: "the first line of standard output is not UTF-8"))
    }
  }
}
