import Foundation
import ProposalIO

/// One pass of a merge: the lines of the completed shards into temporary outputs (the JSON
/// Lines file and the raw bodies of the `.npz` arrays), one line in memory at a time.
struct MergePass {
  /// The longest image name accepted, in Unicode scalars (Linux's `PATH_MAX`): the `.npz`
  /// `images` array pads every name to the longest one.
  static let maximumNameLength = 4096

  private let merger: ShardMerger
  private let npz: URL?
  private let lines: BufferedTemporaryFile
  private let boxes: BufferedTemporaryFile?
  private let scores: BufferedTemporaryFile?
  private let imageIDs: BufferedTemporaryFile?
  private let names: BufferedTemporaryFile?
  private var finder: DuplicateHashFinder?
  private let decoder = JSONDecoder()
  private var longestName = 0

  /// Records written (failed images included).
  private(set) var imageCount = 0
  /// Boxes written.
  private(set) var proposalCount = 0
  /// Failed images: `(image, error)`.
  private(set) var failures: [(image: String, error: String)] = []

  /// - Parameters:
  ///   - findsDuplicates: Keep the hashes of the image names to find repeated ones.
  init(merger: ShardMerger, jsonl: URL, npz: URL?, findsDuplicates: Bool) throws {
    self.merger = merger
    self.npz = npz
    lines = try BufferedTemporaryFile(for: jsonl)
    boxes = try npz.map { try BufferedTemporaryFile(for: $0.appendingPathExtension("boxes")) }
    scores = try npz.map { try BufferedTemporaryFile(for: $0.appendingPathExtension("scores")) }
    imageIDs = try npz.map { try BufferedTemporaryFile(for: $0.appendingPathExtension("ids")) }
    names = try npz.map { try BufferedTemporaryFile(for: $0.appendingPathExtension("names")) }
    finder = findsDuplicates ? DuplicateHashFinder(temporaryFilesNextTo: jsonl) : nil
  }

  /// Adds the records of a completed shard; a record whose image is in `skipping` is written
  /// only the first time.
  ///
  /// - Returns: The number of records in the shard file (repeats included).
  /// - Throws: ``/ProposalIO/ProposalIOError`` for a line that is not a valid record of the
  ///   shard, or when an output cannot be written.
  mutating func add(shard: Shard, skipping: Set<String>) throws -> Int {
    let file = merger.directory.appendingPathComponent(shard.fileName)
    var reader = try LineReader(url: file, maximumLineLength: merger.maximumLineLength)
    defer { reader.close() }
    var count = 0
    var written: Set<String> = []
    while let line = try reader.next() {
      if ProposalFile.isBlank(line.bytes) { continue }
      func fail(_ reason: String) -> ProposalIOError {
        .malformedLine(file: file.path, line: line.number, reason: reason)
      }
      let record: ProposalRecord
      do {
        record = try decoder.decode(ProposalRecord.self, from: line.bytes)
      } catch {
        throw fail(ProposalIOError.describe(error))
      }
      let owner = Shard.index(of: record.image, count: shard.count)
      guard owner == shard.index else {
        throw fail(
          "image \(record.image) belongs to shard \(owner)/\(shard.count), not \(shard) "
            + "(was the file written by another run?)")
      }
      let scalars = record.image.unicodeScalars.count
      guard scalars <= Self.maximumNameLength else {
        throw fail(
          "the image name has \(scalars) characters; at most \(Self.maximumNameLength) are "
            + "accepted")
      }
      count += 1
      try finder?.add(FNV1a64.hash(record.image))
      if skipping.contains(record.image) && !written.insert(record.image).inserted { continue }
      try write(record, line: line.bytes)
    }
    return count
  }

  private mutating func write(_ record: ProposalRecord, line: Data) throws {
    try lines.append(line)
    try lines.append(Data("\n".utf8))
    if let error = record.error { failures.append((record.image, error)) }
    if let boxes, let scores, let imageIDs, let names {
      var boxBytes = Data(capacity: record.proposals.count * 16)
      var scoreBytes = Data(capacity: record.proposals.count * 4)
      var idBytes = Data(capacity: record.proposals.count * 8)
      ProposalArrays.append(
        record, imageID: Int64(imageCount), boxes: &boxBytes, scores: &scoreBytes,
        imageIDs: &idBytes)
      try boxes.append(boxBytes)
      try scores.append(scoreBytes)
      try imageIDs.append(idBytes)
      let scalars = record.image.unicodeScalars.map { $0.value }
      try names.append(littleEndianBytes([UInt32(scalars.count)] + scalars))
      longestName = max(longestName, scalars.count)
    }
    imageCount += 1
    proposalCount += record.proposals.count
  }

  /// The image names that appear more than once in `shards`, sorted: the hashes seen twice,
  /// confirmed by reading the names again (only when some hash was seen twice).
  mutating func duplicateNames(in shards: [Shard]) throws -> [String] {
    guard var finder else { return [] }
    self.finder = nil
    let hashes = try finder.duplicates()
    guard !hashes.isEmpty else { return [] }
    var counts: [String: Int] = [:]
    for shard in shards {
      let file = merger.directory.appendingPathComponent(shard.fileName)
      try ProposalFile.forEachRecord(in: file, maximumLineLength: merger.maximumLineLength) {
        _, record in
        if hashes.contains(FNV1a64.hash(record.image)) { counts[record.image, default: 0] += 1 }
      }
    }
    return counts.filter { $0.value > 1 }.keys.sorted()
  }

  /// Completes the outputs: the JSON Lines file and, with an `.npz`, the archive built from
  /// the array bodies; returns their finished temporary files, to be committed as a set.
  mutating func finish() throws -> [TemporaryFile] {
    var files = [try lines.finish()]
    guard let npz, let boxes, let scores, let imageIDs, let names else { return files }
    let count = proposalCount
    let width = max(1, longestName)
    let images = try BufferedTemporaryFile(for: npz.appendingPathExtension("images"))
    let namesFile = try names.finish()
    defer { namesFile.discard() }
    var reader = try NameReader(url: namesFile.url)
    var padding = Data(count: width * 4)
    while let scalars = try reader.next() {
      try images.append(littleEndianBytes(scalars))
      padding.count = (width - scalars.count) * 4
      try images.append(padding)
    }
    let bodies = [
      ("boxes", NPYHeader(descr: "<f4", shape: [count, 4]), try boxes.finish()),
      ("scores", NPYHeader(descr: "<f4", shape: [count]), try scores.finish()),
      ("image_ids", NPYHeader(descr: "<i8", shape: [count]), try imageIDs.finish()),
      ("images", NPYHeader(descr: "<U\(width)", shape: [imageCount]), try images.finish()),
    ]
    defer { for body in bodies { body.2.discard() } }
    let writer = try NPZWriter(url: npz)
    for (name, header, body) in bodies {
      try writer.add(name: name, header: header, dataFile: body.url)
    }
    files.append(try writer.complete())
    return files
  }
}

/// The little-endian bytes of `values`.
private func littleEndianBytes(_ values: [UInt32]) -> Data {
  values.map { $0.littleEndian }.withUnsafeBytes { Data($0) }
}

/// A temporary file written through a 1 MiB buffer.
final class BufferedTemporaryFile {
  private var file: TemporaryFile?
  private var buffer = Data()
  private static let capacity = 1 << 20

  init(for destination: URL) throws {
    file = try TemporaryFile(for: destination)
  }

  func append(_ data: Data) throws {
    buffer.append(data)
    if buffer.count >= Self.capacity { try flush() }
  }

  private func flush() throws {
    guard let file else {
      throw ProposalIOError.unwritable(file: "(merge output)", reason: "already finished")
    }
    try file.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and hands over the temporary file (still locked, not renamed).
  func finish() throws -> TemporaryFile {
    try flush()
    guard let file else {
      throw ProposalIOError.unwritable(file: "(merge output)", reason: "already finished")
    }
    self.file = nil
    return file
  }
}

/// Reads back the names `MergePass` wrote: a little-endian UInt32 count, then that many
/// UTF-32 scalars, per name.
private struct NameReader {
  private var values: LittleEndianFileReader<UInt32>
  private let url: URL

  init(url: URL) throws {
    self.url = url
    values = try LittleEndianFileReader(url: url, blockBytes: 1 << 20)
  }

  /// The next name's scalars, `nil` at the end.
  mutating func next() throws -> [UInt32]? {
    guard let count = try values.next() else { return nil }
    guard let scalars = try values.take(Int(count)) else {
      throw ProposalIOError.unreadable(file: url.path, reason: "the names end early")
    }
    return scalars
  }
}
