import Foundation

/// Locates the package's `Fixtures/` and the optional shared data next to the project.
public enum Fixtures {
  /// The package root, found from this file's path (`Tests/RegionKitTestSupport/Fixtures.swift`).
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `Fixtures/<relativePath>`.
  public static func url(_ relativePath: String) -> URL {
    packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
  }

  /// `../shared/data/<name>` when it exists (it is never committed; tests that need it skip
  /// with a message when it is absent).
  public static func sharedDataset(_ name: String) -> URL? {
    let url = packageRoot.deletingLastPathComponent()
      .appendingPathComponent("shared/data").appendingPathComponent(name)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// A fresh temporary directory for one test.
  public static func temporaryDirectory(_ label: String = "regionkit-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
