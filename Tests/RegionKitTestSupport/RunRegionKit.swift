import Foundation

/// What a run of the built `regionkit` executable produced.
public struct CommandResult: Sendable {
  public var exitCode: Int32
  public var stdout: String
  public var stderr: String
}

/// The built `regionkit` executable, next to the test bundle in the build products folder.
public var regionKitExecutable: URL {
  var directory = Bundle.main.bundleURL
  // `swift test` runs `<products>/RegionKitPackageTests.xctest`; the executable sits beside it.
  for _ in 0..<3 {
    let candidate = directory.appendingPathComponent("regionkit")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  return Fixtures.packageRoot.appendingPathComponent(".build/debug/regionkit")
}

/// Runs `regionkit` with `arguments` and returns its exit code and output.
///
///     let result = try runRegionKit(["info", imagePath])
///     #expect(result.exitCode == 0)
public func runRegionKit(
  _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:]
) throws -> CommandResult {
  let process = Process()
  process.executableURL = regionKitExecutable
  process.arguments = arguments
  if let currentDirectory { process.currentDirectoryURL = currentDirectory }
  var processEnvironment = ProcessInfo.processInfo.environment
  processEnvironment["COLUMNS"] = "100"
  processEnvironment.merge(environment) { $1 }
  process.environment = processEnvironment
  let outPipe = Pipe()
  let errPipe = Pipe()
  process.standardOutput = outPipe
  process.standardError = errPipe
  try process.run()
  // Read both pipes concurrently so a full pipe cannot block the child.
  let errorData = ErrorDataBox()
  let reader = Thread { errorData.data = errPipe.fileHandleForReading.readDataToEndOfFile() }
  reader.start()
  let out = outPipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  while !errorData.isDone { usleep(1000) }
  return CommandResult(
    exitCode: process.terminationStatus,
    stdout: String(decoding: out, as: UTF8.self),
    stderr: String(decoding: errorData.data ?? Data(), as: UTF8.self))
}

private final class ErrorDataBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Data?
  var data: Data? {
    get { lock.withLock { value } }
    set { lock.withLock { value = newValue } }
  }
  var isDone: Bool { data != nil }
}
