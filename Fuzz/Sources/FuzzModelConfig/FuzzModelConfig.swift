import Detectors
import FuzzSupport

let configuration = ScratchFile(name: "model/\(ModelFolder.configurationFile)")

/// Reads the input as a model folder's `config.json` and builds the detector it describes
/// (`DetectorModel.load`): the folder has no weights, so a valid configuration ends with
/// `missingModelFile` after the network is built. Any input must give a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelConfig(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let url = configuration.write(fuzzData(bytes, count))
  _ = try? DetectorModel.load(from: url.deletingLastPathComponent())
  return 0
}
