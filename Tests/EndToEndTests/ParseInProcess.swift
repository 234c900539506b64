@testable import RegionKitCLI

/// How `regionkit arguments` stops before running anything: the command line parsed and
/// validated in this process, as the built binary does first, so option tests need no child
/// process. `nil` when the arguments parse and validate.
func usageFailure(_ arguments: [String]) -> (exitCode: Int32, message: String)? {
  do {
    _ = try RegionKitCommand.parseAsRoot(arguments)
    return nil
  } catch {
    return (
      RegionKitCommand.exitCode(for: error).rawValue, RegionKitCommand.fullMessage(for: error)
    )
  }
}
