import Detectors
import Foundation
import FuzzSupport

let configuration = ScratchFile(name: "folder/\(ModelFolder.configurationFile)")
let weights = ScratchFile(name: "folder/\(ModelFolder.weightsFile)")

/// Reads the input as a whole model folder and loads the detector it holds
/// (`DetectorModel.load`): the weights are checked against the configuration, tensor by tensor.
///
/// The input is `config.json`, followed by a NUL byte and `model.safetensors` (JSON holds no
/// NUL byte, so the first one ends it). The seeds are small saved models of each architecture
/// that keeps its weights in the folder. Any input must give a detector or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFolder(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let parts = fuzzData(bytes, count).split(
    separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
  let url = configuration.write(Data(parts[0]))
  if parts.count > 1 { weights.write(Data(parts[1])) } else { weights.remove() }
  _ = try? DetectorModel.load(from: url.deletingLastPathComponent())
  return 0
}
