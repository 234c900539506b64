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
/// proposals of different methods, parameters, inputs or shard counts. The number of jobs is
/// not part of it: the output is identical for any `--jobs`.
///
///     let fingerprint = RunFingerprint(
///       generator: SlidingWindow(), maxSide: nil, toolVersion: "0.1.0",
///       imageNames: names, shardCount: 8)
///     try fingerprint.claim(directory: outputFolder)
///
/// - Parameters:
///   - generator: The method; its name and all its stored parameters (`String(reflecting:)`,
///     which lists every stored property of a struct) are recorded.
///   - maxSide: The shrink-on-load limit in pixels, or `nil` for full size.
///   - toolVersion: The version of the program writing the proposals.
///   - imageNames: Every image of the run (all shards), in input order.
///   - shardCount: The number of shards the run is split into.
public struct RunFingerprint: Codable, Sendable, Equatable {
  /// The version of the tool that wrote the run.
  public var toolVersion: String
  /// The generator's ``/Proposals/ProposalGenerator/name``.
  public var method: String
  /// All the generator's parameters, as `String(reflecting: generator)`.
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

  public init(
    generator: any ProposalGenerator, maxSide: Int?, toolVersion: String, imageNames: [String],
    shardCount: Int
  ) {
    precondition(shardCount >= 1, "RunFingerprint: shardCount must be at least 1")
    var hash = FNV1a64()
    var counts = [Int](repeating: 0, count: shardCount)
    for name in imageNames {
      hash.combine(name)
      hash.combine("\n")
      counts[Shard.index(of: name, count: shardCount)] += 1
    }
    self.toolVersion = toolVersion
    self.method = generator.name
    self.parameters = String(reflecting: generator)
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

  /// Reads `run.json` of a run's output folder.
  ///
  /// - Throws: ``/ProposalIO/ProposalIOError/unreadable(file:reason:)`` when it is missing or
  ///   not valid.
  public static func read(directory: URL) throws -> RunFingerprint {
    let url = directory.appendingPathComponent(fileName)
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    do {
      return try JSONDecoder().decode(RunFingerprint.self, from: data)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: ProposalIOError.describe(error))
    }
  }

  /// Records this fingerprint in `directory/run.json`, or checks that the one there is equal.
  ///
  /// Safe when many shard processes start at once: the file is created with `link(2)`, which
  /// fails rather than overwrite, and the loser compares with the winner's file.
  ///
  /// - Throws: ``ProposalRunsError/fingerprintMismatch(file:field:expected:found:)`` naming the
  ///   first field that differs; ``/ProposalIO/ProposalIOError/unwritable(file:reason:)`` on I/O
  ///   failure.
  public func claim(directory: URL) throws {
    let url = directory.appendingPathComponent(Self.fileName)
    if !FileManager.default.fileExists(atPath: url.path) {
      let temporary = DurableFile.temporaryURL(for: url)
      try DurableFile.writeUnlinked(try jsonData(), to: temporary)
      let linked = link(temporary.path, url.path) == 0
      let linkError = errno
      unlink(temporary.path)
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
