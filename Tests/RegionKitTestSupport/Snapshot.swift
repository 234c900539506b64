import Foundation

/// Compares `text` with the stored snapshot `Snapshots/<name>.txt` next to the calling test file.
///
/// Returns `nil` when they are equal, otherwise a message for the test to report. With
/// `REGIONKIT_RECORD=1` in the environment, or when no snapshot exists yet, the snapshot is
/// (re)written and a message is still returned, so a new recording always fails the test until
/// someone has looked at it (swift-argument-parser's rule).
public func snapshotMismatch(
  _ text: String, named name: String, testFile: String = #filePath
) -> String? {
  let directory = URL(fileURLWithPath: testFile).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")
  let url = directory.appendingPathComponent("\(name).txt")
  let record = ProcessInfo.processInfo.environment["REGIONKIT_RECORD"] == "1"
  if !record, let stored = try? String(contentsOf: url, encoding: .utf8) {
    if stored == text { return nil }
    return "snapshot \(url.lastPathComponent) differs (REGIONKIT_RECORD=1 re-records):\n"
      + "--- stored\n\(stored)\n--- actual\n\(text)"
  }
  do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return "recorded new snapshot \(url.path); check it and run the test again"
  } catch {
    return "could not record snapshot \(url.path): \(error)"
  }
}
