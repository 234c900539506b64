import RegionKitTestSupport
import Testing

/// `--help` of every command, compared with `Snapshots/` (REGIONKIT_RECORD=1 re-records).
@Suite struct HelpSnapshotTests {
  @Test(
    arguments: [
      [], ["info"], ["draw"], ["segment"], ["edges"], ["propose"], ["merge"], ["evaluate"],
      ["synth"], ["train"], ["train", "faster-rcnn"], ["train", "fast-rcnn"], ["train", "rcnn"],
      ["train", "classify-localize"], ["train", "objectness"], ["detect"], ["model"],
      ["model", "info"], ["model", "run"],
    ])
  func helpMatchesSnapshot(command: [String]) throws {
    let result = try runRegionKit(command + ["--help"])
    #expect(result.exitCode == 0)
    let name = "help-" + (command.isEmpty ? "regionkit" : command.joined(separator: "-"))
    let mismatch = snapshotMismatch(result.stdout, named: name)
    #expect(mismatch == nil, "\(mismatch ?? "")")
  }
}
