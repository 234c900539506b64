import FuzzSupport
import ProposalIO

let archive = ScratchFile(name: "proposals.npz")

/// Reads the input as a `.npz` archive: `NPZReader.read`, then as proposals
/// (`ProposalArrays.read`, `PrecomputedProposals`). Any input must give arrays or a thrown
/// error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let url = archive.write(fuzzData(bytes, count))
  guard (try? NPZReader.read(contentsOf: url)) != nil else { return 0 }
  _ = try? ProposalArrays.read(contentsOf: url)
  if let file = try? PrecomputedProposals(contentsOf: url) {
    for name in file.imageNames { _ = file.proposals(forImage: name, width: 64, height: 48) }
  }
  return 0
}
