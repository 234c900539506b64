import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file written under a recognisable temporary name next to its destination, renamed into
/// place only when complete, and locked for as long as its writer lives.
///
/// The name is `.<destination name>.tmp-<process id>-<8 hex digits>` in the destination's
/// folder (same file system, so the final `rename(2)` is atomic). The writer holds an exclusive
/// `flock(2)` on the file from creation until it closes it, and the lock dies with the process,
/// so a temporary file nobody holds a lock on was left by a run that was killed or crashed.
/// ``removeStale(in:)`` deletes exactly those, which is safe while other processes (on this
/// machine or, on file systems that share locks such as NFSv4, on others) write into the same
/// folder: their files are locked.
///
///     let file = try TemporaryFile(for: directory.appendingPathComponent("run.json"))
///     try file.write(data)
///     try file.commit()   // fsync, rename to run.json, fsync of the folder
///
/// A file neither committed nor discarded is removed when the object is released.
package final class TemporaryFile {
  /// Where the file goes when committed.
  package let destination: URL
  /// The temporary name.
  package let url: URL
  /// The open, locked descriptor (read-write), `-1` once closed.
  package private(set) var descriptor: Int32

  /// The marker between the destination's name and the process id.
  static let marker = ".tmp-"

  /// Creates an empty, locked temporary file for `destination` (whose folder must exist).
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)`` naming the destination and the
  ///   failed system call.
  package init(for destination: URL) throws {
    self.destination = destination
    var generator = SystemRandomNumberGenerator()
    while true {
      let token = String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator))
      let candidate = destination.deletingLastPathComponent().appendingPathComponent(
        ".\(destination.lastPathComponent)\(Self.marker)\(getpid())-\(token)")
      let opened = open(candidate.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if opened < 0 {
        if errno == EEXIST { continue }
        throw DurableFile.failure(destination, "open \(candidate.lastPathComponent)")
      }
      // A cleaner may have locked and removed the file between `open` and `flock`: it did so
      // only if the name no longer leads to this file, and then another name is tried.
      guard flock(opened, LOCK_EX) == 0 else {
        let error = DurableFile.failure(destination, "flock")
        close(opened)
        throw error
      }
      guard Self.isSameFile(path: candidate.path, descriptor: opened) else {
        close(opened)
        continue
      }
      url = candidate
      descriptor = opened
      return
    }
  }

  deinit {
    if descriptor >= 0 {
      unlink(url.path)
      close(descriptor)
    }
  }

  /// Appends `data` at the descriptor's position.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  package func write(_ data: Data) throws {
    guard descriptor >= 0 else {
      throw ProposalIOError.unwritable(file: url.path, reason: "the file is already closed")
    }
    try DurableFile.writeAll(data, to: descriptor, file: url)
  }

  /// `fsync`s the contents (call before ``commit()`` or a ``DurableFile/commit(_:)`` of a set).
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``.
  package func sync() throws {
    guard descriptor >= 0 else {
      throw ProposalIOError.unwritable(file: url.path, reason: "the file is already closed")
    }
    guard fsync(descriptor) == 0 else { throw DurableFile.failure(url, "fsync") }
  }

  /// `fsync`s the file, renames it to ``destination``, `fsync`s the folder and releases it.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``; the destination is then unchanged.
  package func commit() throws {
    try DurableFile.commit([self])
  }

  /// `fsync`s the file, renames it to ``destination`` and `fsync`s the folder, and hands over
  /// the still open, still locked descriptor (positioned at the end of what was written) to
  /// the caller, who closes it.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)``; the destination is then unchanged.
  package func commitKeepingDescriptor() throws -> Int32 {
    try sync()
    guard rename(url.path, destination.path) == 0 else {
      let error = DurableFile.failure(destination, "rename")
      discard()
      throw error
    }
    try DurableFile.syncDirectory(of: destination)
    let kept = descriptor
    descriptor = -1
    return kept
  }

  /// Closes the descriptor after a successful rename (the lock goes with it).
  func release() {
    guard descriptor >= 0 else { return }
    close(descriptor)
    descriptor = -1
  }

  /// Removes the file and closes it, leaving the destination as it was.
  package func discard() {
    guard descriptor >= 0 else { return }
    unlink(url.path)
    release()
  }

  /// Whether `name` has the form of a temporary file name of this type.
  package static func isTemporaryName(_ name: String) -> Bool {
    guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards),
      range.lowerBound > name.index(after: name.startIndex)
    else { return false }
    let parts = name[range.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy(\.isASCII)
      && parts[0].allSatisfy(\.isNumber) && parts[1].count == 8 && parts[1].allSatisfy(\.isHexDigit)
  }

  /// Removes the temporary files in `directory` that no process holds a lock on: those left
  /// by killed runs. Files of running writers (locked), other files and folders are left alone.
  ///
  /// - Parameter directory: The folder to clean (not its subfolders).
  /// - Returns: The files removed, sorted by name. A folder that cannot be listed gives `[]`.
  @discardableResult
  package static func removeStale(in directory: URL) -> [URL] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
      return []
    }
    var removed: [URL] = []
    for name in names.sorted() where isTemporaryName(name) {
      let url = directory.appendingPathComponent(name)
      let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
      guard descriptor >= 0 else { continue }
      defer { close(descriptor) }
      var status = stat()
      guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
        flock(descriptor, LOCK_EX | LOCK_NB) == 0,
        isSameFile(path: url.path, descriptor: descriptor)
      else { continue }
      if unlink(url.path) == 0 { removed.append(url) }
    }
    return removed
  }

  /// Whether `path` names the file open as `descriptor` (same device and inode).
  static func isSameFile(path: String, descriptor: Int32) -> Bool {
    var byPath = stat()
    var byDescriptor = stat()
    guard lstat(path, &byPath) == 0, fstat(descriptor, &byDescriptor) == 0 else { return false }
    return byPath.st_dev == byDescriptor.st_dev && byPath.st_ino == byDescriptor.st_ino
  }
}
