import Foundation
import ProposalIO
import Proposals

#if canImport(Glibc)
  import Glibc
#endif

/// Everything that decides a sharded run's output, stored as `run.json` in its output folder.
///
/// Every shard process of a run computes the same fingerprint from its settings and its input
/// list. The first one to start writes `run.json` (atomically, without overwriting: a
/// temporary file hard-linked into place); every later one, and every resumed one, compares
/// and refuses to write into a folder made with other settings, so one folder never mixes
/// proposals of different methods, parameters, inputs or shard counts.
///
/// It holds what changes the output and nothing else: the method and its parameters, the
/// shrink-on-load size, the tool version, the input list and the shard count — not the
/// number of jobs, the generator's thread count (``executionSettings``) or any path, so
/// shards run on machines with different core counts, or a resume with another `--jobs`,
/// accept each other.
///
///     let fingerprint = try RunFingerprint(
///       generator: SlidingWindow(), maxSide: nil, toolVersion: "0.1.0",
///       imageNames: names, shardCount: 8)
///     try fingerprint.claim(directory: outputFolder)
///
/// - Parameters:
///   - generator: The method; its name and all its stored parameters except
///     ``executionSettings`` are recorded (see ``parameters``).
///   - maxSide: The shrink-on-load limit in pixels, or `nil` for full size.
///   - toolVersion: The version of the program writing the proposals.
///   - imageNames: Every image of the run (all shards), in input order; no name twice.
///   - shardCount: The number of shards the run is split into, `1 ... Shard.maximumCount`.
/// - Throws: ``ProposalRunsError/duplicateImageNames(names:)`` listing the names given more
///   than once (before any work: each would otherwise be skipped as done, or written twice),
///   and ``ProposalRunsError/invalidShard(value:reason:)`` for a shard count out of range.
public struct RunFingerprint: Codable, Sendable, Equatable {
  /// The version of the tool that wrote the run.
  public var toolVersion: String
  /// The generator's ``/Proposals/ProposalGenerator/name``.
  public var method: String
  /// The generator's parameters: its stored properties, nested ones included, written like
  /// `String(reflecting:)` (`Proposals.SelectiveSearch(strategies: ..., seed: 0, ...)`) but
  /// without ``executionSettings``, with sets sorted and long arrays (model weights) as their
  /// count and hash.
  public var parameters: String
  /// Images are shrunk on load to this longer side in pixels; `nil` for full size.
  public var maxSide: Int?
  /// The number of images in the whole run.
  public var imageCount: Int
  /// FNV-1a 64 of the image names in input order, each followed by a newline, in hex.
  public var imageListHash: String
  /// The number of shards.
  public var shardCount: Int
  /// How many images each shard owns, so `regionkit merge` can say what is missing.
  public var shardImageCounts: [Int]

  /// Generator properties that decide how a result is computed but never what it is, left
  /// out of ``parameters``: `threads` (selective search gives the same boxes on any number).
  public static let executionSettings: Set<String> = ["threads"]

  public init(
    generator: any ProposalGenerator, maxSide: Int?, toolVersion: String, imageNames: [String],
    shardCount: Int
  ) throws {
    guard shardCount >= 1, shardCount <= Shard.maximumCount else {
      throw ProposalRunsError.invalidShard(
        value: "0/\(shardCount)", reason: "the count must be in 1...\(Shard.maximumCount)")
    }
    var seen: Set<String> = []
    var repeated: Set<String> = []
    var hash = FNV1a64()
    var counts = [Int](repeating: 0, count: shardCount)
    for name in imageNames {
      if !seen.insert(name).inserted { repeated.insert(name) }
      hash.combine(name)
      hash.combine("\n")
      counts[Shard.index(of: name, count: shardCount)] += 1
    }
    guard repeated.isEmpty else {
      throw ProposalRunsError.duplicateImageNames(names: repeated.sorted())
    }
    self.toolVersion = toolVersion
    self.method = generator.name
    self.parameters = GeneratorParameters.describe(generator, excluding: Self.executionSettings)
    self.maxSide = maxSide
    self.imageCount = imageNames.count
    self.imageListHash = String(hash.value, radix: 16)
    self.shardCount = shardCount
    self.shardImageCounts = counts
  }

  /// The fingerprint's file name in an output folder.
  public static let fileName = "run.json"

  /// The fingerprint as stable, pretty JSON (sorted keys).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self) + Data("\n".utf8)
  }

  /// Reads and checks `run.json` of a run's output folder.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unreadable(file:reason:)`` when it is missing or
  ///   not JSON, and ``ProposalRunsError/invalidRunFile(file:key:value:reason:)`` naming the
  ///   key and value for a missing key, a wrong type or a value out of range (see
  ///   ``validate(file:)``).
  public static func read(directory: URL) throws -> RunFingerprint {
    let url = directory.appendingPathComponent(fileName)
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    let fingerprint: RunFingerprint
    do {
      fingerprint = try JSONDecoder().decode(RunFingerprint.self, from: data)
    } catch let error as DecodingError {
      throw invalidFile(url.path, data: data, error: error)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: ProposalIOError.describe(error))
    }
    try fingerprint.validate(file: url.path)
    return fingerprint
  }

  /// The typed error for a `run.json` that does not decode, naming the top-level key at fault
  /// and its value as written.
  private static func invalidFile(_ file: String, data: Data, error: DecodingError)
    -> any Error
  {
    if case .keyNotFound(let key, _) = error {
      return ProposalRunsError.invalidRunFile(
        file: file, key: key.stringValue, value: "missing", reason: "the key is required")
    }
    let context: DecodingError.Context? =
      switch error {
      case .typeMismatch(_, let context), .valueNotFound(_, let context): context
      case .dataCorrupted(let context): context
      default: nil
      }
    guard let key = context?.codingPath.first?.stringValue else {
      return ProposalIOError.unreadable(file: file, reason: ProposalIOError.describe(error))
    }
    var value = "not readable"
    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let raw = object[key],
      let text = try? JSONSerialization.data(
        withJSONObject: raw, options: [.fragmentsAllowed, .sortedKeys])
    {
      value = String(decoding: text.prefix(200), as: UTF8.self)
    }
    return ProposalRunsError.invalidRunFile(
      file: file, key: key, value: value, reason: ProposalIOError.describe(error))
  }

  /// Checks every value read from a `run.json` against what a run can have.
  ///
  /// Required: `shardCount` in `1 ... Shard.maximumCount`; `shardImageCounts` one count per
  /// shard, each 0 or more, adding up to `imageCount`; `imageCount` 0 or more; `maxSide`
  /// absent or at least 1; `imageListHash` 1 to 16 lowercase hex digits; `method` not empty.
  ///
  /// - Parameter file: The file's path, for the error.
  /// - Throws: ``ProposalRunsError/invalidRunFile(file:key:value:reason:)`` for the first value
  ///   out of range.
  public func validate(file: String) throws {
    func fail(_ key: String, _ value: Any, _ reason: String) -> ProposalRunsError {
      .invalidRunFile(file: file, key: key, value: "\(value)", reason: reason)
    }
    guard !method.isEmpty else { throw fail("method", "\"\"", "a method name is required") }
    guard imageCount >= 0 else { throw fail("imageCount", imageCount, "it must be 0 or more") }
    guard shardCount >= 1, shardCount <= Shard.maximumCount else {
      throw fail("shardCount", shardCount, "it must be in 1...\(Shard.maximumCount)")
    }
    if let maxSide, maxSide < 1 {
      throw fail("maxSide", maxSide, "it must be at least 1 pixel (or absent: full size)")
    }
    guard (1...16).contains(imageListHash.count),
      imageListHash.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
    else {
      throw fail("imageListHash", "\"\(imageListHash)\"", "expected 1 to 16 lowercase hex digits")
    }
    guard shardImageCounts.count == shardCount else {
      throw fail(
        "shardImageCounts", "a list of \(shardImageCounts.count) counts",
        "expected one count per shard, \(shardCount) (\"shardCount\")")
    }
    if let index = shardImageCounts.firstIndex(where: { $0 < 0 }) {
      throw fail("shardImageCounts[\(index)]", shardImageCounts[index], "a count must be 0 or more")
    }
    var total = 0
    for count in shardImageCounts {
      let (sum, overflow) = total.addingReportingOverflow(count)
      guard !overflow, sum <= imageCount else {
        throw fail(
          "shardImageCounts", "a list adding up to more than \(imageCount)",
          "the counts must add up to \"imageCount\", \(imageCount)")
      }
      total = sum
    }
    guard total == imageCount else {
      throw fail(
        "shardImageCounts", "a list adding up to \(total)",
        "the counts must add up to \"imageCount\", \(imageCount)")
    }
  }

  /// Records this fingerprint in `directory/run.json`, or checks that the one there is equal,
  /// after removing the temporary files killed runs left in `directory`.
  ///
  /// Safe when many shard processes start at once: the file is created with `link(2)`, which
  /// fails rather than overwrite, and the loser compares with the winner's file.
  ///
  /// - Throws: ``ProposalRunsError/fingerprintMismatch(file:field:expected:found:)`` naming the
  ///   first field that differs; ``/ProposalIO/ProposalIOError/unwritable(file:reason:)`` on I/O
  ///   failure; the errors of ``read(directory:)`` for an existing `run.json` that is not valid.
  public func claim(directory: URL) throws {
    let url = directory.appendingPathComponent(Self.fileName)
    // Temporary files of killed runs (unlocked) go; those of running shards stay.
    TemporaryFile.removeStale(in: directory)
    if !FileManager.default.fileExists(atPath: url.path) {
      let temporary = try TemporaryFile(for: url)
      try temporary.write(try jsonData())
      try temporary.sync()
      let linked = link(temporary.url.path, url.path) == 0
      let linkError = errno
      temporary.discard()
      if linked {
        try DurableFile.syncDirectory(of: url)
        return
      }
      guard linkError == EEXIST else {
        throw ProposalIOError.unwritable(
          file: url.path, reason: "link: \(String(cString: strerror(linkError)))")
      }
    }
    try check(against: Self.read(directory: directory), file: url.path)
  }

  /// Throws unless `existing` equals this fingerprint.
  func check(against existing: RunFingerprint, file: String) throws {
    let fields: [(String, String, String)] = [
      ("method", method, existing.method),
      ("parameters", parameters, existing.parameters),
      ("maxSide", maxSide.map(String.init) ?? "null", existing.maxSide.map(String.init) ?? "null"),
      ("shardCount", "\(shardCount)", "\(existing.shardCount)"),
      ("imageCount", "\(imageCount)", "\(existing.imageCount)"),
      ("imageListHash", imageListHash, existing.imageListHash),
      ("shardImageCounts", "\(shardImageCounts)", "\(existing.shardImageCounts)"),
      ("toolVersion", toolVersion, existing.toolVersion),
    ]
    for (field, expected, found) in fields where expected != found {
      throw ProposalRunsError.fingerprintMismatch(
        file: file, field: field, expected: expected, found: found)
    }
  }
}
