import Foundation
import ZIPFoundation

/// Writes a NumPy `.npz` archive: a ZIP of `.npy` arrays, stored uncompressed, streamed from disk.
///
/// `numpy.load("proposals.npz")` opens it as a dict of arrays. Each array is added from a
/// header and a file holding its raw little-endian data, which is copied into the archive in
/// chunks, so arrays larger than memory are fine (ZIP64 is used past 4 GiB). The archive is
/// built under a temporary name (`.<name>.tmp-<pid>-<hex>`, locked while in use; those left by
/// killed runs are removed when a writer starts in the folder) and renamed into place by
/// ``finish()``, and entries carry a fixed modification date, so the same arrays give the same
/// bytes.
///
///     let npz = try NPZWriter(url: out.appendingPathComponent("proposals.npz"))
///     try npz.add(name: "scores", header: NPYHeader(descr: "<f4", shape: [n]), dataFile: raw)
///     try npz.finish()
///
/// - Parameter url: Where the archive goes; an existing file is replaced on ``finish()``.
public final class NPZWriter {
  /// Where the finished archive goes.
  public let url: URL
  private var file: TemporaryFile?
  private var archive: Archive?

  /// The date stored for every entry (ZIP needs one): 2000-01-01, for reproducible bytes.
  static let entryDate = Date(timeIntervalSince1970: 946_684_800)

  /// An empty ZIP archive: its end-of-central-directory record alone.
  static let emptyArchive = Data([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18))

  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public init(url: URL) throws {
    self.url = url
    TemporaryFile.removeStale(in: url.deletingLastPathComponent())
    let file = try TemporaryFile(for: url)
    try file.write(Self.emptyArchive)
    do {
      let opened: Archive = try Archive(url: file.url, accessMode: .update)
      archive = opened
    } catch {
      throw ProposalIOError.unwritable(file: url.path, reason: "\(error)")
    }
    self.file = file
  }

  /// Adds `<name>.npy` made of `header` followed by the bytes of `dataFile`.
  ///
  /// - Parameters:
  ///   - name: The array's key in `numpy.load(...)`, without `.npy`.
  ///   - header: Its type and shape; the data file's size must match them.
  ///   - dataFile: The raw array data, C order, little-endian.
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` or ``ProposalIOError/unwritable(file:reason:)``.
  public func add(name: String, header: NPYHeader, dataFile: URL) throws {
    let headerBytes = header.encoded()
    let handle: FileHandle
    let size: Int64
    do {
      handle = try FileHandle(forReadingFrom: dataFile)
      size = Int64(try handle.seekToEnd())
    } catch {
      throw ProposalIOError.unreadable(file: dataFile.path, reason: error.localizedDescription)
    }
    defer { try? handle.close() }
    let headerCount = Int64(headerBytes.count)
    guard let archive else {
      throw ProposalIOError.unwritable(file: url.path, reason: "the archive is already finished")
    }
    do {
      try archive.addEntry(
        with: name + ".npy", type: .file, uncompressedSize: headerCount + size,
        modificationDate: Self.entryDate, compressionMethod: .none
      ) { position, chunkSize in
        var chunk = Data()
        var position = position
        if position < headerCount {
          chunk.append(
            headerBytes[Int(position)..<Int(min(headerCount, position + Int64(chunkSize)))])
          position = headerCount
        }
        let wanted = chunkSize - chunk.count
        if wanted > 0 {
          try handle.seek(toOffset: UInt64(position - headerCount))
          chunk.append(try handle.read(upToCount: wanted) ?? Data())
        }
        return chunk
      }
    } catch {
      throw ProposalIOError.unwritable(file: url.path, reason: "adding \(name).npy: \(error)")
    }
  }

  /// Adds `<name>.npy` from bytes in memory.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  public func add(name: String, header: NPYHeader, data: Data) throws {
    let staging = try TemporaryFile(for: url.appendingPathExtension(name))
    defer { staging.discard() }
    try staging.write(data)
    try add(name: name, header: header, dataFile: staging.url)
  }

  /// Closes the archive and moves it to ``url`` atomically (`fsync`, `rename`).
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``, also when called twice.
  public func finish() throws {
    try complete().commit()
  }

  /// Closes the archive and hands over its finished temporary file without renaming it, for
  /// a set of files committed together (`DurableFile.commit(_:)`).
  package func complete() throws -> TemporaryFile {
    guard let file else {
      throw ProposalIOError.unwritable(file: url.path, reason: "the archive is already finished")
    }
    // Releasing the archive closes its stream, flushing what it buffered.
    archive = nil
    self.file = nil
    return file
  }
}
