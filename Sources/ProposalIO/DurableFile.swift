import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Crash-safe file writing: temporary file, `fsync`, `rename`, `fsync` of the folder.
///
/// After ``write(_:to:)`` returns, `url` holds the complete new contents even if the machine
/// loses power; before, it holds the old contents (or does not exist). Readers never see a
/// half-written file, because `rename(2)` replaces the name atomically. Temporary files are
/// ``TemporaryFile``s: recognisable names, locked while in use, removed by the next run when a
/// killed run leaves them behind.
///
///     try DurableFile.write(Data(json.utf8), to: directory.appendingPathComponent("run.json"))
package enum DurableFile {
  /// Writes `data` to `url` atomically and durably.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)`` naming the failed system call.
  package static func write(_ data: Data, to url: URL) throws {
    let file = try TemporaryFile(for: url)
    try file.write(data)
    try file.commit()
  }

  /// `fsync`s the finished file `source` (any name), renames it to `url` and `fsync`s the folder.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  package static func commit(_ source: URL, as url: URL) throws {
    let descriptor = open(source.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(source, "open") }
    let synced = fsync(descriptor) == 0
    close(descriptor)
    guard synced else { throw failure(source, "fsync") }
    guard Glibc.rename(source.path, url.path) == 0 else { throw failure(url, "rename") }
    try syncDirectory(of: url)
  }

  /// Renames several temporary files into place as a set: either every destination gets its
  /// new contents or every destination keeps its old contents (or stays absent).
  ///
  /// Every file is `fsync`ed first. With more than one file, each existing destination is then
  /// locked and hard-linked to a temporary backup name, the files are renamed one by one, and
  /// when a rename fails the ones already done are undone (old contents renamed back, new
  /// destinations removed). A kill between two renames — a window of microseconds — leaves the
  /// earlier destinations new and the later ones old; the backups it leaves are removed by the
  /// next run (``TemporaryFile/removeStale(in:)``). On a file system without hard links the
  /// old contents cannot be kept aside, and a failed rename then leaves those destinations new.
  ///
  /// - Parameters:
  ///   - files: The finished temporary files, destinations all different.
  ///   - rename: The rename call. Default: `rename(2)`; tests inject failures here.
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)`` naming the destination that could
  ///   not be replaced (a folder in the way, another process replacing it, a failed call, a
  ///   destination given twice); the destinations are then as they were, and the temporary
  ///   files are removed.
  package static func commit(
    _ files: [TemporaryFile], rename: (String, String) -> Int32 = { Glibc.rename($0, $1) }
  ) throws {
    var backups: [Backup] = []
    defer {
      for case .kept(let url, let descriptor) in backups {
        unlink(url.path)
        close(descriptor)
      }
    }
    do {
      var seen: Set<String> = []
      for file in files where !seen.insert(file.destination.standardizedFileURL.path).inserted {
        throw ProposalIOError.unwritable(
          file: file.destination.path, reason: "the same file is given for two outputs")
      }
      for file in files { try file.sync() }
      if files.count > 1 {
        for file in files { backups.append(try backup(of: file.destination)) }
      }
    } catch {
      for file in files { file.discard() }
      throw error
    }
    for (index, file) in files.enumerated() {
      guard rename(file.url.path, file.destination.path) == 0 else {
        let error = failure(file.destination, "rename")
        for done in files[..<index].indices.reversed() {
          switch backups[done] {
          case .kept(let url, let descriptor):
            if Glibc.rename(url.path, files[done].destination.path) == 0 {
              // The backup name is gone now; nothing to unlink for it.
              close(descriptor)
              backups[done] = .unrecoverable
            }
          case .absent: unlink(files[done].destination.path)
          case .unrecoverable: break
          }
        }
        for file in files { file.discard() }
        throw error
      }
    }
    var folders: [URL] = []
    for file in files {
      let folder = file.destination.deletingLastPathComponent().standardizedFileURL
      if !folders.contains(folder) { folders.append(folder) }
    }
    for file in files { file.release() }
    for folder in folders { try syncFolder(folder) }
  }

  /// What a set commit keeps of a destination's old contents.
  private enum Backup {
    /// There was no destination: undoing removes the new one.
    case absent
    /// The old contents, locked, under a temporary name: undoing renames them back.
    case kept(url: URL, descriptor: Int32)
    /// The old contents cannot be kept aside (no hard links): undoing leaves the new ones.
    case unrecoverable
  }

  /// Locks the existing `destination` and gives it a second, temporary name, so a failed set
  /// of renames can put it back.
  private static func backup(of destination: URL) throws -> Backup {
    var status = stat()
    guard lstat(destination.path, &status) == 0 else {
      guard errno == ENOENT else { throw failure(destination, "stat") }
      return .absent
    }
    guard status.st_mode & S_IFMT != S_IFDIR else {
      throw ProposalIOError.unwritable(
        file: destination.path, reason: "a folder has this name; give a file name")
    }
    let descriptor = open(destination.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw failure(destination, "open") }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw ProposalIOError.unwritable(
        file: destination.path, reason: "another process is replacing it (it holds its lock)")
    }
    var generator = SystemRandomNumberGenerator()
    while true {
      let token = String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator))
      let url = destination.deletingLastPathComponent().appendingPathComponent(
        ".\(destination.lastPathComponent)\(TemporaryFile.marker)\(getpid())-\(token)")
      if link(destination.path, url.path) == 0 { return .kept(url: url, descriptor: descriptor) }
      if errno == EEXIST { continue }
      if [EPERM, EOPNOTSUPP, EMLINK, ENOSYS].contains(errno) {
        close(descriptor)
        return .unrecoverable
      }
      let error = failure(destination, "link")
      close(descriptor)
      throw error
    }
  }

  /// `fsync`s the folder holding `url`, so a rename or a new name in it survives a crash.
  package static func syncDirectory(of url: URL) throws {
    try syncFolder(url.deletingLastPathComponent())
  }

  /// `fsync`s `directory` itself.
  package static func syncFolder(_ directory: URL) throws {
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

  package static func failure(_ url: URL, _ call: String) -> ProposalIOError {
    .unwritable(file: url.path, reason: "\(call): \(String(cString: strerror(errno)))")
  }
}
