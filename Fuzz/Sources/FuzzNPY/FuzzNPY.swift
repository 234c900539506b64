import FuzzSupport
import ProposalIO

let array = ScratchFile(name: "array.npy")

/// Reads the input as a `.npy` file (`NPYArray(contentsOf:)`, which parses the header with
/// `NPYHeader.parse`): any input must give an array or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = fuzzData(bytes, count)
  guard let read = try? NPYArray(contentsOf: array.write(data)) else { return 0 }
  guard read.values.count == read.shape.reduce(1, *) else {
    fatalError("NPYArray: \(read.values.count) values for shape \(read.shape)")
  }
  return 0
}
