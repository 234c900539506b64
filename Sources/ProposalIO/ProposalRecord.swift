import Boxes
import Foundation

/// The proposals for one image: one line of a proposals JSON Lines file.
///
/// The line format (DESIGN.md) is
/// `{"image": "<file name relative to the dataset's images/>", "width": W, "height": H,
/// "seconds": <proposal time, decode excluded>, "boxes": [[x1,y1,x2,y2], ...],
/// "scores": [...], "provenance": [...]}`, best-ranked proposal first. A failed image has
/// `"error": "..."` and no boxes. Unknown keys are ignored when reading.
///
/// Reading checks every value the readers rely on and refuses the line otherwise (a typed
/// error naming the file and line, from ``ProposalFile`` and the other readers): `image` not
/// empty; `width` and `height` 0 (unknown) or more; `seconds` finite and 0 or more; each box
/// four finite numbers with `x1 <= x2` and `y1 <= y2` (an inverted or NaN box is an error, not
/// dropped: a tool that writes one has a bug worth seeing); scores not NaN; as many scores and
/// provenance entries as boxes.
public struct ProposalRecord: Sendable, Equatable {
  /// The image's file name relative to the dataset's images folder (or the path given).
  public var image: String
  /// Image width in pixels (of the image the boxes refer to).
  public var width: Int
  /// Image height in pixels.
  public var height: Int
  /// Seconds spent proposing for this image, decoding excluded.
  public var seconds: Double?
  /// Proposals, best first.
  public var proposals: [Proposal]
  /// Why the image could not be processed, for failed images.
  public var error: String?

  public init(
    image: String, width: Int, height: Int, seconds: Double? = nil, proposals: [Proposal],
    error: String? = nil
  ) {
    self.image = image
    self.width = width
    self.height = height
    self.seconds = seconds
    self.proposals = proposals
    self.error = error
  }
}

extension ProposalRecord: Codable {
  enum CodingKeys: String, CodingKey {
    case image, width, height, seconds, boxes, scores, provenance, error
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    image = try container.decode(String.self, forKey: .image)
    guard !image.isEmpty else {
      throw DecodingError.dataCorruptedError(
        forKey: .image, in: container, debugDescription: "the image name is empty")
    }
    width = try container.decodeIfPresent(Int.self, forKey: .width) ?? 0
    height = try container.decodeIfPresent(Int.self, forKey: .height) ?? 0
    for (key, value) in [(CodingKeys.width, width), (.height, height)] where value < 0 {
      throw DecodingError.dataCorruptedError(
        forKey: key, in: container,
        debugDescription: "\(value) is negative; a size is 0 (unknown) or more pixels")
    }
    seconds = try container.decodeIfPresent(Double.self, forKey: .seconds)
    if let seconds, !(seconds.isFinite && seconds >= 0) {
      throw DecodingError.dataCorruptedError(
        forKey: .seconds, in: container,
        debugDescription: "\(seconds) is not a time; finite and 0 or more is required")
    }
    error = try container.decodeIfPresent(String.self, forKey: .error)
    let corners = try container.decodeIfPresent([[Float]].self, forKey: .boxes) ?? []
    let scores = try container.decodeIfPresent([Float].self, forKey: .scores)
    let provenance = try container.decodeIfPresent([Provenance].self, forKey: .provenance)
    if let scores, scores.count != corners.count {
      throw DecodingError.dataCorruptedError(
        forKey: .scores, in: container,
        debugDescription: "\(scores.count) scores for \(corners.count) boxes")
    }
    if let provenance, provenance.count != corners.count {
      throw DecodingError.dataCorruptedError(
        forKey: .provenance, in: container,
        debugDescription: "\(provenance.count) provenance entries for \(corners.count) boxes")
    }
    var proposals: [Proposal] = []
    proposals.reserveCapacity(corners.count)
    for (index, box) in corners.enumerated() {
      guard box.count == 4 else {
        throw DecodingError.dataCorruptedError(
          forKey: .boxes, in: container,
          debugDescription: "box \(index) has \(box.count) numbers, expected 4 (x1, y1, x2, y2)")
      }
      guard box.allSatisfy(\.isFinite), box[0] <= box[2], box[1] <= box[3] else {
        throw DecodingError.dataCorruptedError(
          forKey: .boxes, in: container,
          debugDescription:
            "box \(index) \(box) is not a box: four finite numbers with x1 <= x2 and y1 <= y2 "
            + "are required")
      }
      if let score = scores?[index], score.isNaN {
        throw DecodingError.dataCorruptedError(
          forKey: .scores, in: container, debugDescription: "score \(index) is NaN")
      }
      proposals.append(
        Proposal(
          box: Box(x1: box[0], y1: box[1], x2: box[2], y2: box[3]),
          // Files without scores rank by position: the first box is the best.
          score: scores?[index] ?? Float(corners.count - index),
          provenance: provenance?[index] ?? Provenance(method: "unknown")))
    }
    self.proposals = proposals
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(image, forKey: .image)
    try container.encode(width, forKey: .width)
    try container.encode(height, forKey: .height)
    try container.encodeIfPresent(seconds, forKey: .seconds)
    if let error {
      try container.encode(error, forKey: .error)
      return
    }
    try container.encode(proposals.map(\.box.corners), forKey: .boxes)
    try container.encode(proposals.map(\.score), forKey: .scores)
    try container.encode(proposals.map(\.provenance), forKey: .provenance)
  }

  /// The record as one line of JSON (no trailing newline), keys in a stable order.
  public func jsonLine() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }
}
