import FuzzSupport
import ONNX

// A folder of its own: external-data locations in the model resolve inside it.
let model = ScratchFile(name: "onnx/model.onnx")

/// Reads the input as an ONNX file: `ONNXModelSummary` (what `regionkit model info` shows),
/// then `ONNXModel` (checks every node, folds constants and plans fixed shapes). Any input must
/// give a model or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let url = model.write(fuzzData(bytes, count))
  guard let summary = try? ONNXModelSummary(contentsOf: url) else { return 0 }
  _ = ONNXModelSummary.fixedShapes(summary.inputs)
  _ = try? ONNXModel(summary)
  return 0
}
