import Boxes
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
  package static func append(
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
  package static func names(_ names: [String]) -> (header: NPYHeader, data: Data) {
    let width = max(1, names.map(\.unicodeScalars.count).max() ?? 1)
    var data = Data(capacity: names.count * width * 4)
    for name in names {
      var scalars = name.unicodeScalars.map(\.value)
      scalars += [UInt32](repeating: 0, count: width - scalars.count)
      for scalar in scalars {
        withUnsafeBytes(of: scalar.littleEndian) { data.append(contentsOf: $0) }
      }
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
    try writer.add(
      name: "image_ids", header: NPYHeader(descr: "<i8", shape: [count]), data: imageIDs)
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

extension ProposalArrays {
  /// Reads a `.npz` file of this layout back into one record per image (sizes 0, unknown;
  /// images without proposals have an empty record).
  ///
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` or
  ///   ``ProposalIOError/malformedNPY(file:reason:)`` naming the array at fault.
  public static func read(contentsOf url: URL) throws -> [ProposalRecord] {
    let arrays = try NPZReader.read(contentsOf: url)
    func array(_ name: String, _ descr: String) throws -> (header: NPYHeader, data: Data) {
      guard let array = arrays[name],
        array.header.descr == descr || descr == "<U" && array.header.descr.hasPrefix("<U")
      else {
        throw ProposalIOError.malformedNPY(
          file: url.path, reason: "no \(name) array of type \(descr)")
      }
      return array
    }
    let boxes = try array("boxes", "<f4"), scores = try array("scores", "<f4")
    let ids = try array("image_ids", "<i8"), images = try array("images", "<U")
    let count = scores.header.shape.first ?? 0
    guard scores.header.shape == [count], boxes.header.shape == [count, 4],
      ids.header.shape == [count],
      images.header.shape.count == 1, let width = images.header.itemSize.map({ $0 / 4 })
    else {
      throw ProposalIOError.malformedNPY(
        file: url.path,
        reason: "shapes boxes \(boxes.header.shape), scores \(scores.header.shape), "
          + "image_ids \(ids.header.shape), images \(images.header.shape) do not fit together")
    }
    // A `<U0` array has no bytes, so its data does not bound its row count: refused rather than
    // making that many empty names.
    guard width > 0 || images.header.shape[0] == 0 else {
      throw ProposalIOError.malformedNPY(
        file: url.path,
        reason: "images is a \(images.header.descr) array of \(images.header.shape[0]) names "
          + "without characters")
    }
    let names: [String] = (0..<images.header.shape[0]).map { row in
      var scalars = String.UnicodeScalarView()
      for column in 0..<width {
        let value = images.data.withUnsafeBytes {
          UInt32(
            littleEndian: $0.loadUnaligned(
              fromByteOffset: (row * width + column) * 4, as: UInt32.self))
        }
        guard value != 0, let scalar = Unicode.Scalar(value) else { break }
        scalars.append(scalar)
      }
      return String(scalars)
    }
    var records = names.map { ProposalRecord(image: $0, width: 0, height: 0, proposals: []) }
    boxes.data.withUnsafeBytes { b in
      scores.data.withUnsafeBytes { s in
        ids.data.withUnsafeBytes { i in
          for row in 0..<count {
            let id = Int(
              Int64(littleEndian: i.loadUnaligned(fromByteOffset: row * 8, as: Int64.self)))
            guard records.indices.contains(id) else { continue }
            func float(_ buffer: UnsafeRawBufferPointer, _ index: Int) -> Float {
              Float(
                bitPattern: UInt32(
                  littleEndian: buffer.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
            let box = Box(
              x1: float(b, row * 4), y1: float(b, row * 4 + 1), x2: float(b, row * 4 + 2),
              y2: float(b, row * 4 + 3))
            records[id].proposals.append(
              Proposal(box: box, score: float(s, row), provenance: Provenance(method: "file")))
          }
        }
      }
    }
    if let row = (0..<count).first(where: { row in
      let id = ids.data.withUnsafeBytes {
        Int(Int64(littleEndian: $0.loadUnaligned(fromByteOffset: row * 8, as: Int64.self)))
      }
      return !records.indices.contains(id)
    }) {
      throw ProposalIOError.malformedNPY(file: url.path, reason: "image_ids[\(row)] names no image")
    }
    return records
  }
}
