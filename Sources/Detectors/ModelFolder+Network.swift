import Foundation

extension ModelFolder {
  /// The names a model folder keeps for itself, which a network's files may not take.
  static let ownNames: Set<String> = [
    configurationFile, weightsFile, "history.json", "checkpoints",
  ]

  /// Copies an ONNX network, the side files of its external weights (at the relative paths the
  /// network names) and any other files into a model folder. Each file is copied to a
  /// temporary name beside its target and then moved into place, so a failed copy leaves no
  /// half-written file under a name the folder reads.
  ///
  /// - Parameters:
  ///   - model: The `.onnx` file.
  ///   - externalDataFiles: Its side files, relative to its folder
  ///     (`ONNXModelSummary.externalDataFiles`).
  ///   - name: The network's name in the folder.
  ///   - others: Further files and their names in the folder (a labels file).
  ///   - folder: The model folder (created when missing).
  /// - Returns: The names written, relative to the folder.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` when a side file would
  ///   take the place of one of the folder's own files, ``DetectorsError/unwritableFile(file:reason:)``
  ///   when a copy fails.
  @discardableResult
  static func copyNetwork(
    _ model: URL, externalDataFiles: [String], as name: String, with others: [(URL, String)] = [],
    into folder: URL
  ) throws -> [String] {
    let taken = ownNames.union([name]).union(others.map(\.1))
    var copies: [(from: URL, to: String)] = [(model, name)]
    for location in externalDataFiles {
      let first = location.split(separator: "/").first.map(String.init) ?? location
      guard !taken.contains(location), !taken.contains(first) else {
        throw DetectorsError.invalidValue(
          file: model.path, key: "external data location", value: "\"\(location)\"",
          allowed: "a file name other than the model folder's own files")
      }
      copies.append((model.deletingLastPathComponent().appendingPathComponent(location), location))
    }
    copies += others.map { (from: $0.0, to: $0.1) }
    try createDirectory(folder)
    let manager = FileManager.default
    for (source, relative) in copies {
      let target = folder.appendingPathComponent(relative)
      guard source.standardizedFileURL.path != target.standardizedFileURL.path else { continue }
      let temporary = target.deletingLastPathComponent().appendingPathComponent(
        ".\(target.lastPathComponent).partial")
      do {
        try manager.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? manager.removeItem(at: temporary)
        try manager.copyItem(at: source, to: temporary)
        if manager.fileExists(atPath: target.path) {
          _ = try manager.replaceItemAt(target, withItemAt: temporary)
        } else {
          try manager.moveItem(at: temporary, to: target)
        }
      } catch {
        try? manager.removeItem(at: temporary)
        throw DetectorsError.unwritableFile(file: target.path, reason: error.localizedDescription)
      }
    }
    return copies.map(\.to)
  }
}
