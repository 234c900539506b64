import NeuralNet
import RegionKitTestSupport

/// Golden tensor records as `Tensor`s.
extension GoldenCase {
  func nnTensor(_ path: String...) throws -> Tensor {
    var current = self
    for key in path.dropLast() { current = try current.object(key) }
    let record = try current.tensor(path[path.count - 1])
    return Tensor(shape: record.shape, data: record.floats)
  }
}

extension GoldenFile {
  /// The shared `inputs` block as a case.
  var sharedInputs: GoldenCase {
    GoldenCase(object: (root["inputs"] as? [String: Any]) ?? [:], file: name)
  }
}
