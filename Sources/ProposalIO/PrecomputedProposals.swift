import Boxes
import Foundation

/// Proposals computed beforehand, by image name: a `.jsonl` file as `regionkit propose`
/// writes it or a `.npz` file as `regionkit merge` writes it (Detectron2's "precomputed
/// proposals").
///
///     let file = try PrecomputedProposals(contentsOf: URL(fileURLWithPath: "proposals.jsonl"))
///     let boxes = file.proposals(forImage: "000001.jpg", width: 500, height: 375)
///
/// Boxes are kept best first as stored. A JSON Lines record says the image size its boxes
/// refer to; ``proposals(forImage:width:height:)`` rescales them to the size asked for. A
/// `.npz` file has no sizes: its boxes are taken to be in the pixels of the size asked for.
public struct PrecomputedProposals: Sendable {
  /// The file the proposals came from.
  public var url: URL
  /// Proposals by image name, with the size their boxes refer to (nil: unknown).
  var records: [String: (size: (width: Int, height: Int)?, proposals: [Proposal])]

  /// Reads `url` (`.jsonl` or `.npz`, by extension).
  ///
  /// - Parameters:
  ///   - url: The file.
  ///   - maximumLineLength: The longest `.jsonl` line accepted, in bytes. Default:
  ///     ``ProposalFile/defaultMaximumLineLength`` (64 MiB).
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` for another extension or an
  ///   unreadable file; ``ProposalIOError/malformedLine(file:line:reason:)``,
  ///   ``ProposalIOError/lineTooLong(file:line:limit:)`` or
  ///   ``ProposalIOError/malformedNPY(file:reason:)`` for malformed contents, including
  ///   non-finite or inverted boxes and an image named twice.
  public init(
    contentsOf url: URL, maximumLineLength: Int = ProposalFile.defaultMaximumLineLength
  ) throws {
    self.url = url
    records = [:]
    switch url.pathExtension.lowercased() {
    case "jsonl":
      try ProposalFile.forEachRecord(in: url, maximumLineLength: maximumLineLength) {
        line, record in
        try add(record.image, size: (record.width, record.height), record.proposals, line: line)
      }
    case "npz":
      for record in try ProposalArrays.read(contentsOf: url) {
        try add(record.image, size: nil, record.proposals, line: nil)
      }
    default:
      throw ProposalIOError.unreadable(
        file: url.path, reason: "proposals must be a .jsonl or .npz file")
    }
  }

  private mutating func add(
    _ image: String, size: (width: Int, height: Int)?, _ proposals: [Proposal], line: Int?
  ) throws {
    func fail(_ reason: String) -> ProposalIOError {
      line.map { ProposalIOError.malformedLine(file: url.path, line: $0, reason: reason) }
        ?? ProposalIOError.malformedNPY(file: url.path, reason: reason)
    }
    guard records[image] == nil else { throw fail("image \(image) appears twice") }
    if let bad = proposals.first(where: {
      !$0.box.isFinite || $0.box.x2 < $0.box.x1 || $0.box.y2 < $0.box.y1
    }) {
      throw fail("image \(image): box \(bad.box.corners) is not finite with x1 <= x2, y1 <= y2")
    }
    records[image] = (size, proposals)
  }

  /// The image names, sorted.
  public var imageNames: [String] { records.keys.sorted() }

  /// Whether the file has a record for the image called `name`.
  public func contains(image name: String) -> Bool { records[name] != nil }

  /// The proposals of the image called `name` (a dataset `file_name`), boxes rescaled to an
  /// image of `width` x `height` pixels; nil when the file has none for it.
  public func proposals(forImage name: String, width: Int, height: Int) -> [Proposal]? {
    guard let record = records[name] else { return nil }
    guard let size = record.size, size.width > 0, size.height > 0,
      size.width != width || size.height != height
    else { return record.proposals }
    let sx = Float(width) / Float(size.width), sy = Float(height) / Float(size.height)
    return record.proposals.map {
      var copy = $0
      copy.box = Box(x1: $0.box.x1 * sx, y1: $0.box.y1 * sy, x2: $0.box.x2 * sx, y2: $0.box.y2 * sy)
      return copy
    }
  }
}
