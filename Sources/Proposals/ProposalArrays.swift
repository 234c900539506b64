import Foundation

/// The NumPy layout of proposals, shared by `regionkit merge` and `regionkit evaluate`:
/// `boxes` float32 N x 4 (`x1, y1, x2, y2`), `scores` float32 N, `image_ids` int64 N (row of
/// `images`), and `images`, the image names as a unicode array.
///
///     import numpy as np
///     data = np.load("proposals.npz")
///     rows = data["image_ids"] == list(data["images"]).index("000000262145.jpg")
///     boxes, scores = data["boxes"][rows], data["scores"][rows]
public enum ProposalArrays {
  /// Appends the little-endian bytes of one image's proposals to the three array bodies.
  static func append(
    _ record: ProposalRecord, imageID: Int64, boxes: inout Data, scores: inout Data,
    imageIDs: inout Data
  ) {
    for proposal in record.proposals {
      for value in proposal.box.corners { boxes.appendLittleEndian(value) }
      scores.appendLittleEndian(proposal.score)
      withUnsafeBytes(of: imageID.littleEndian) { imageIDs.append(contentsOf: $0) }
    }
  }

  /// The `images` array: names as NumPy `<U` strings (UTF-32, padded to the longest).
  static func names(_ names: [String]) -> (header: NPYHeader, data: Data) {
    let width = max(1, names.map(\.unicodeScalars.count).max() ?? 1)
    var data = Data(capacity: names.count * width * 4)
    for name in names {
      var scalars = name.unicodeScalars.map(\.value)
      scalars += [UInt32](repeating: 0, count: width - scalars.count)
      for scalar in scalars { withUnsafeBytes(of: scalar.littleEndian) { data.append(contentsOf: $0) } }
    }
    return (NPYHeader(descr: "<U\(width)", shape: [names.count]), data)
  }

  /// Writes the records of one run as a `.npz` file (in memory; for runs that fit in it —
  /// `regionkit merge` streams large ones).
  public static func write(_ records: [ProposalRecord], to url: URL) throws {
    var boxes = Data()
    var scores = Data()
    var imageIDs = Data()
    for (index, record) in records.enumerated() {
      append(record, imageID: Int64(index), boxes: &boxes, scores: &scores, imageIDs: &imageIDs)
    }
    let count = records.map(\.proposals.count).reduce(0, +)
    let writer = try NPZWriter(url: url)
    try writer.add(name: "boxes", header: NPYHeader(descr: "<f4", shape: [count, 4]), data: boxes)
    try writer.add(name: "scores", header: NPYHeader(descr: "<f4", shape: [count]), data: scores)
    try writer.add(name: "image_ids", header: NPYHeader(descr: "<i8", shape: [count]), data: imageIDs)
    let images = names(records.map(\.image))
    try writer.add(name: "images", header: images.header, data: images.data)
    try writer.finish()
  }
}

extension Data {
  /// Appends the IEEE 754 bits of `value`, little-endian.
  mutating func appendLittleEndian(_ value: Float) {
    Swift.withUnsafeBytes(of: value.bitPattern.littleEndian) { append(contentsOf: $0) }
  }
}
