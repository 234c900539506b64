import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Crash-safe file writing: temporary file, `fsync`, `rename`, `fsync` of the folder.
///
/// After ``write(_:to:)`` returns, `url` holds the complete new contents even if the machine
/// loses power; before, it holds the old contents (or does not exist). Readers never see a
/// half-written file, because `rename(2)` replaces the name atomically.
///
///     try DurableFile.write(Data(json.utf8), to: directory.appendingPathComponent("run.json"))
package enum DurableFile {
  /// Writes `data` to `url` atomically and durably.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)`` naming the failed system call.
  package static func write(_ data: Data, to url: URL) throws {
    let temporary = temporaryURL(for: url)
    try writeUnlinked(data, to: temporary)
    try commit(temporary, as: url)
  }

  /// Writes `data` to a new file at `url` and `fsync`s it (no rename).
  package static func writeUnlinked(_ data: Data, to url: URL) throws {
    let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(url, "open") }
    defer { close(descriptor) }
    try writeAll(data, to: descriptor, file: url)
    guard fsync(descriptor) == 0 else { throw failure(url, "fsync") }
  }

  /// `fsync`s the finished file `temporary`, renames it to `url` and `fsync`s the folder.
  package static func commit(_ temporary: URL, as url: URL) throws {
    let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(temporary, "open") }
    let synced = fsync(descriptor) == 0
    close(descriptor)
    guard synced else { throw failure(temporary, "fsync") }
    guard rename(temporary.path, url.path) == 0 else { throw failure(url, "rename") }
    try syncDirectory(of: url)
  }

  /// `fsync`s the folder holding `url`, so a rename or a new name in it survives a crash.
  package static func syncDirectory(of url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(directory, "open") }
    defer { close(descriptor) }
    // Some network file systems refuse fsync on folders (EINVAL); the rename is still atomic.
    guard fsync(descriptor) == 0 || errno == EINVAL else { throw failure(directory, "fsync") }
  }

  /// Writes all of `data` at the descriptor's position, retrying short writes and `EINTR`.
  package static func writeAll(_ data: Data, to descriptor: Int32, file: URL) throws {
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      guard var pointer = buffer.baseAddress else { return }
      var remaining = buffer.count
      while remaining > 0 {
        let written = Glibc.write(descriptor, pointer, remaining)
        if written < 0 {
          if errno == EINTR { continue }
          throw failure(file, "write")
        }
        pointer += written
        remaining -= written
      }
    }
  }

  /// A unique name next to `url` for its temporary file (same folder, so `rename` is atomic).
  package static func temporaryURL(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString.prefix(8)).tmp")
  }

  package static func failure(_ url: URL, _ call: String) -> ProposalIOError {
    .unwritable(file: url.path, reason: "\(call): \(String(cString: strerror(errno)))")
  }
}
