import Foundation
import ProposalIO

/// What an out-of-process classifier announces on the first line of its standard output: the
/// protocol and its version, the classes, the crop size, the channel order and whether it
/// answers with box deltas (see <doc:PlugInYourOwnClassifier>, "Classifiers in any language").
///
///     {"protocol": "regionkit-classifier", "version": 1, "classes": ["circle", "square"],
///      "crop_size": 32, "channel_order": "rgb", "box_deltas": false}
///
/// All six keys are required, on one line of UTF-8 JSON ended by `\n`; other keys are ignored.
/// Encoded with the same snake-case keys (a model folder's `config.json` keeps the handshake it
/// was trained with).
public struct CommandClassifierHandshake: Sendable, Hashable, Codable {
  /// `"regionkit-classifier"`, the value of `"protocol"`.
  public static let protocolName = "regionkit-classifier"
  /// The protocol version this RegionKit speaks: 1.
  public static let currentVersion = 1
  /// The longest handshake line read, in bytes: 1 MiB.
  public static let maximumLength = 1 << 20

  /// The protocol version, `"version"`: 1.
  public var version: Int
  /// The object classes in label order (`"classes"`): column `i + 1` of the probabilities is
  /// `classes[i]`, column 0 the background.
  public var classes: [String]
  /// The side `S` of the square crops, `"crop_size"`: 8 to 1024 pixels.
  public var cropSize: Int
  /// The order of the colour planes of each crop, `"channel_order"`: `"rgb"` or `"bgr"`.
  public var channelOrder: InputNormalization.ChannelOrder
  /// Whether each answer has a second array of box deltas, `"box_deltas"`.
  public var boxDeltas: Bool

  /// A handshake of this version.
  ///
  /// - Parameters:
  ///   - classes: The object classes, without background.
  ///   - cropSize: The crop side in pixels.
  ///   - channelOrder: The channel order of the crops. Default: `.rgb`.
  ///   - boxDeltas: Whether answers carry box deltas. Default: `false`.
  public init(
    classes: [String], cropSize: Int, channelOrder: InputNormalization.ChannelOrder = .rgb,
    boxDeltas: Bool = false
  ) {
    self.version = Self.currentVersion
    self.classes = classes
    self.cropSize = cropSize
    self.channelOrder = channelOrder
    self.boxDeltas = boxDeltas
  }

  enum CodingKeys: String, CodingKey {
    case protocolName = "protocol"
    case version, classes
    case cropSize = "crop_size"
    case channelOrder = "channel_order"
    case boxDeltas = "box_deltas"
  }

  /// Reads and checks a handshake, as ``parse(_:)`` does.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let name = try container.decode(String.self, forKey: .protocolName)
    guard name == Self.protocolName else {
      throw DecodingError.dataCorruptedError(
        forKey: .protocolName, in: container,
        debugDescription: "\"protocol\" is \"\(name)\", expected \"\(Self.protocolName)\"")
    }
    version = try container.decode(Int.self, forKey: .version)
    classes = try container.decode([String].self, forKey: .classes)
    cropSize = try container.decode(Int.self, forKey: .cropSize)
    let order = try container.decode(String.self, forKey: .channelOrder)
    guard let channelOrder = InputNormalization.ChannelOrder(rawValue: order) else {
      throw DecodingError.dataCorruptedError(
        forKey: .channelOrder, in: container,
        debugDescription: "\"channel_order\" is \"\(order)\", expected \"rgb\" or \"bgr\"")
    }
    self.channelOrder = channelOrder
    boxDeltas = try container.decode(Bool.self, forKey: .boxDeltas)
  }

  /// Writes the handshake with its snake-case keys, `"protocol"` included.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(Self.protocolName, forKey: .protocolName)
    try container.encode(version, forKey: .version)
    try container.encode(classes, forKey: .classes)
    try container.encode(cropSize, forKey: .cropSize)
    try container.encode(channelOrder, forKey: .channelOrder)
    try container.encode(boxDeltas, forKey: .boxDeltas)
  }

  /// The handshake line as a classifier writes it (sorted keys, no newline).
  public var jsonLine: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  /// Parses one handshake line (without its `\n`) and checks every value.
  ///
  /// - Parameter line: The bytes of the line.
  /// - Returns: The handshake.
  /// - Throws: ``CommandClassifierProblem/malformedHandshake(reason:)`` naming the key and value
  ///   at fault (not JSON, a missing key, a wrong type, an unknown protocol or version, no or
  ///   repeated classes, a crop size outside 8 to 1024).
  public static func parse(_ line: some Collection<UInt8>) throws(CommandClassifierProblem)
    -> CommandClassifierHandshake
  {
    let data = Data(line)
    guard let text = String(data: data, encoding: .utf8) else {
      throw .malformedHandshake(reason: "the first line of standard output is not UTF-8")
    }
    let shown = text.count > 200 ? String(text.prefix(200)) + "…" : text
    guard text.first == "{", (try? JSONSerialization.jsonObject(with: data)) != nil else {
      throw .malformedHandshake(
        reason:
          "the first line of standard output is not a JSON object: \"\(shown)\" (standard output "
          + "carries only the protocol; write messages to standard error)")
    }
    let handshake: CommandClassifierHandshake
    do {
      handshake = try JSONDecoder().decode(CommandClassifierHandshake.self, from: data)
    } catch {
      throw .malformedHandshake(reason: "\(ProposalIOError.describe(error)) in \(shown)")
    }
    guard handshake.version == currentVersion else {
      throw .malformedHandshake(
        reason:
          "\"version\" is \(handshake.version); this RegionKit speaks version \(currentVersion)")
    }
    guard (1...10_000).contains(handshake.classes.count) else {
      throw .malformedHandshake(
        reason: "\"classes\" has \(handshake.classes.count) names; allowed: 1 to 10000")
    }
    if let empty = handshake.classes.firstIndex(where: \.isEmpty) {
      throw .malformedHandshake(reason: "\"classes\"[\(empty)] is an empty name")
    }
    guard Set(handshake.classes).count == handshake.classes.count else {
      throw .malformedHandshake(reason: "\"classes\" \(handshake.classes) repeats a name")
    }
    guard (8...1024).contains(handshake.cropSize) else {
      throw .malformedHandshake(
        reason: "\"crop_size\" is \(handshake.cropSize); allowed: 8 to 1024")
    }
    return handshake
  }
}
