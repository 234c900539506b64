import Foundation
import FuzzSupport

@testable import ProposalIO

let proposals = ScratchFile(name: "proposals.jsonl")

/// Reads the input as a proposals JSON Lines file: `PrecomputedProposals` (through
/// `ProposalFile.read`) and `LineReader` with a small chunk size. Any input must give records
/// or a thrown error, and the line reader must give back the file's bytes exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProposalsJSONL(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = fuzzData(bytes, count)
  let url = proposals.write(data)

  // LineReader: the lines and their newlines are the file, byte for byte.
  if var reader = try? LineReader(url: url, chunkSize: 7) {
    defer { reader.close() }
    var joined = Data()
    while let line = try? reader.next() {
      guard line.offset == joined.count else {
        fatalError("LineReader: line at offset \(line.offset), expected \(joined.count)")
      }
      joined += line.bytes
      if line.isTerminated { joined.append(UInt8(ascii: "\n")) }
    }
    guard joined == data else { fatalError("LineReader: lines do not add up to the file") }
  }

  guard let file = try? PrecomputedProposals(contentsOf: url) else { return 0 }
  // Used as the detectors and `evaluate` use it: boxes rescaled to image sizes.
  for name in file.imageNames {
    _ = file.contains(image: name)
    _ = file.proposals(forImage: name, width: 640, height: 480)
    _ = file.proposals(forImage: name, width: 1, height: 1)
  }
  return 0
}
