import FuzzSupport
import NeuralNet

/// Decodes the input as a safetensors file (`SafeTensors.decode`): any input must give
/// tensors or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard let tensors = try? SafeTensors.decode(fuzzData(bytes, count), source: "fuzz.safetensors")
  else { return 0 }
  // What was read must be a consistent tensor, and encode back.
  for (name, tensor) in tensors where tensor.data.count != tensor.shape.reduce(1, *) {
    fatalError("\(name): \(tensor.data.count) values for shape \(tensor.shape)")
  }
  _ = SafeTensors.encode(tensors)
  return 0
}
