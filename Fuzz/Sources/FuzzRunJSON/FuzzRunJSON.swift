import Foundation
import FuzzSupport
import ProposalIO
import ProposalRuns
import Proposals

let runFolder = ScratchFile.folder.appendingPathComponent("run", isDirectory: true)
let outputFolder = ScratchFile.folder.appendingPathComponent("merged", isDirectory: true)

/// Reads the input as a sharded run's folder and does what `propose` and `merge` do with it.
///
/// The input is `run.json`, optionally followed by a NUL byte and the completed file of shard 0,
/// and by another NUL byte and the `.partial` file of shard 1. The harness reads the
/// fingerprint (`RunFingerprint.read`), merges the run (`ShardMerger.merge`, which reads every
/// shard named by `run.json`) and claims the folder with another fingerprint
/// (`RunFingerprint.claim`, which compares with the file). Any input must give a result or a
/// thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunJSON(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let parts = fuzzData(bytes, count).split(
    separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
  try? FileManager.default.removeItem(at: runFolder)
  try? FileManager.default.createDirectory(at: runFolder, withIntermediateDirectories: true)
  try? FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
  FileManager.default.createFile(
    atPath: runFolder.appendingPathComponent(RunFingerprint.fileName).path,
    contents: Data(parts[0]))
  guard let fingerprint = try? RunFingerprint.read(directory: runFolder) else { return 0 }
  if parts.count > 1, let shard = try? Shard(index: 0, count: fingerprint.shardCount) {
    FileManager.default.createFile(
      atPath: runFolder.appendingPathComponent(shard.fileName).path, contents: Data(parts[1]))
  }
  if parts.count > 2, let shard = try? Shard(index: 1, count: fingerprint.shardCount) {
    FileManager.default.createFile(
      atPath: runFolder.appendingPathComponent(shard.partialFileName).path,
      contents: Data(parts[2]))
  }
  _ = try? ShardMerger(directory: runFolder).merge(
    jsonl: outputFolder.appendingPathComponent("proposals.jsonl"),
    npz: outputFolder.appendingPathComponent("proposals.npz"))
  if let other = try? RunFingerprint(
    generator: SlidingWindow(), maxSide: nil, toolVersion: "fuzz", imageNames: ["a.jpg", "b.jpg"],
    shardCount: 2)
  {
    _ = try? other.claim(directory: runFolder)
  }
  return 0
}
