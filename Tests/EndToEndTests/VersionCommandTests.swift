import RegionKitTestSupport
import Testing

@Suite struct VersionCommandTests {
  @Test func printsVersion() throws {
    let result = try runRegionKit(["--version"])
    #expect(result.exitCode == 0)
    #expect(
      result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3
    )
  }
}
