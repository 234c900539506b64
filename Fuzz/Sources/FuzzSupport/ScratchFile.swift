import Foundation

/// A file in a folder of its own, made once per process and rewritten for every input, for
/// readers that take a URL rather than bytes.
///
///     let file = ScratchFile(name: "annotations.json")
///     try? Dataset.loadCOCO(annotationsFile: file.write(data))
///
/// The folder is `regionkit-fuzz-<pid>` in the temporary directory (`/dev/shm` when it exists,
/// so the writes stay in memory); it is removed when the process exits normally (a crash leaves
/// it behind).
public struct ScratchFile: Sendable {
  /// The process's scratch folder.
  public static let folder: URL = {
    let base =
      FileManager.default.fileExists(atPath: "/dev/shm")
      ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
    let url = base.appendingPathComponent("regionkit-fuzz-\(getpid())", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { ScratchFile.removeFolder() }
    return url
  }()

  /// The file's location.
  public let url: URL

  /// A file called `name` (which may contain folders, created here) in the scratch folder.
  public init(name: String) {
    url = Self.folder.appendingPathComponent(name)
    try? FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  }

  /// Replaces the file's contents with `data` and returns its URL.
  @discardableResult
  public func write(_ data: Data) -> URL {
    if !FileManager.default.createFile(atPath: url.path, contents: data) {
      fatalError("fuzz harness: cannot write the scratch file \(url.path)")
    }
    return url
  }

  /// Removes the file (a reader may treat a missing file differently from an empty one).
  public func remove() {
    try? FileManager.default.removeItem(at: url)
  }

  /// Removes the whole scratch folder.
  public static func removeFolder() {
    try? FileManager.default.removeItem(at: folder)
  }
}

/// The fuzzer's bytes as `Data`.
public func fuzzData(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Data {
  Data(bytes: bytes, count: count)
}
