import Foundation

/// Reads a FILELIST: a text file with one image path per line.
///
/// Blank lines and lines starting with `#` are skipped, and surrounding spaces are trimmed.
/// Relative paths are resolved against the list's own folder, so a list and its images can be
/// moved together. Each image's record name is its path exactly as written in the list, which
/// also decides its shard.
///
///     let images = try ImageListFile.read(contentsOf: URL(fileURLWithPath: "batch-001.txt"))
///
/// - Throws: ``ProposalIOError/unreadable(file:reason:)`` when the list cannot be read, and
///   ``ProposalIOError/malformedLine(file:line:reason:)`` for a path listed twice (records are
///   keyed by name, so a repeat would be skipped as done).
/// - Complexity: O(size of the list).
public enum ImageListFile {
  public static func read(contentsOf url: URL) throws -> [(name: String, url: URL)] {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    let base = url.deletingLastPathComponent()
    var images: [(name: String, url: URL)] = []
    var firstLine: [String: Int] = [:]
    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !line.isEmpty, !line.hasPrefix("#") else { continue }
      if let first = firstLine[line] {
        throw ProposalIOError.malformedLine(
          file: url.path, line: offset + 1, reason: "\(line) is already listed on line \(first)")
      }
      firstLine[line] = offset + 1
      let imageURL =
        line.hasPrefix("/") ? URL(fileURLWithPath: line) : base.appendingPathComponent(line)
      images.append((line, imageURL))
    }
    return images
  }
}
