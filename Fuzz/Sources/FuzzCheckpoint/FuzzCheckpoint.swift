import DetectorTraining
import Foundation
import FuzzSupport
import NeuralNet

let modelFolder = ScratchFile.folder.appendingPathComponent("checkpointed", isDirectory: true)
let checkpoints = Checkpoints(folder: modelFolder)

/// The parameters the restored optimizer state is checked against: names and shapes of a
/// small model (the seeds' optimizer files hold state for some of them).
let parameters = [
  ("conv.weight", Parameter(Tensor(zeros: [2, 3, 3, 3]))),
  ("conv.bias", Parameter(Tensor(zeros: [2]))),
  ("fc.weight", Parameter(Tensor(zeros: [4, 8]))),
]

/// Reads the input as checkpoint 1 of a model folder and resumes from it as a trainer does.
///
/// The input is `trainer_state.json`, optionally followed by a NUL byte and the checkpoint's
/// `optimizer.safetensors`. The harness lists the checkpoints (`Checkpoints.epochs`), reads and
/// validates the state (`Checkpoints.state(epoch:)`), and restores an Adam and an SGD optimizer
/// from the file, checked against ``parameters`` (`Checkpoints.restore`). Any input must give a
/// result or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let parts = fuzzData(bytes, count).split(
    separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
  let folder = checkpoints.url(epoch: 1)
  try? FileManager.default.removeItem(at: folder)
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  FileManager.default.createFile(
    atPath: folder.appendingPathComponent("trainer_state.json").path, contents: Data(parts[0]))
  if parts.count > 1 {
    FileManager.default.createFile(
      atPath: folder.appendingPathComponent("optimizer.safetensors").path,
      contents: Data(parts[1]))
  }
  guard checkpoints.epochs == [1] else { fatalError("checkpoint 1 not found") }
  _ = try? checkpoints.state(epoch: 1)
  var model = parameters
  let visit: ((String, inout Parameter) -> Void) -> Void = { visit in
    for index in model.indices { visit(model[index].0, &model[index].1) }
  }
  var adam = Adam()
  try? checkpoints.restore(&adam, epoch: 1, parameters: visit)
  do {
    var sgd = try SGD(learningRate: 0.01, momentum: 0.9)
    try? checkpoints.restore(&sgd, epoch: 1, parameters: visit)
  } catch {
    fatalError("SGD refused its settings: \(error)")
  }
  return 0
}
