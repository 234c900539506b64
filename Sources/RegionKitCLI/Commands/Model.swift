import ArgumentParser
import Foundation
import NeuralNet
import ONNX
import ProposalIO

/// `regionkit model`: networks trained elsewhere (ONNX).
struct Model: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Inspect and run networks trained elsewhere (ONNX, as PyTorch, TensorFlow and Keras export them).",
    discussion: """
      RegionKit reads ONNX files itself (default operator set, opsets 6 to 21) and runs them on its \
      own engine in Float32, checked against onnxruntime.
      """,
    subcommands: [ModelInfo.self, ModelRun.self])
}

/// `regionkit model info`: what an ONNX file holds and whether RegionKit runs it.
struct ModelInfo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract:
      "Describe an ONNX model: inputs, outputs, opset, parameters, operators, every tensor's shape and stride; or a model folder.",
    discussion: """
      Shapes and strides are computed for --input-shape, or for the declared input shape when it is \
      fixed apart from the batch size (batch 1 then). The stride of a tensor is how many input pixels \
      one step along its height and width spans: the number to give when cutting the network there \
      to use it as a backbone. Exits 1 when the model uses operators RegionKit does not run (listed). \
      Given a model folder instead, describes the detector it holds: architecture and classes; \
      for Fast and Faster R-CNN: the backbone and the input normalisation; \
      for R-CNN with an ONNX network: the network, the tensor read, the normalisation, and \
      whether its outputs are logits (softmax applied) or probabilities (produced by a Softmax \
      node), with each label's column; for an R-CNN with a classifier command: the command, its \
      time limit, the handshake recorded at training and the one it gives now (the command is \
      started to read it).
      """)

  @Argument(help: "The .onnx file, or a model folder (written by `regionkit train`).")
  var model: String

  @Option(
    help:
      "The input shape N,C,H,W for the tensor shapes (for models with one input). Default: the declared shape, batch 1."
  )
  var inputShape: String?

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func validate() throws {
    _ = try inputShape.map(parseShape)
  }

  func run() throws {
    let url = URL(fileURLWithPath: model)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      guard inputShape == nil else {
        throw ValidationError("--input-shape applies to .onnx files, not to model folders")
      }
      let (lines, object) = try ModelFolderDescription(folder: url).describe()
      print(json ? try JSONOutput.string(object) : lines.joined(separator: "\n"))
      return
    }
    let summary = try ONNXModelSummary(contentsOf: url)
    let loaded = summary.unsupportedOperators.isEmpty ? try ONNXModel(summary) : nil
    for warning in loaded?.warnings ?? [] {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    let shape = try inputShape.map(parseShape)
    var tensors: [ONNXTensorShape]?
    if let loaded {
      if let shape {
        tensors = try loaded.shapes(forInputShape: shape)
      } else if let declared = ONNXModelSummary.fixedShapes(summary.inputs) {
        tensors = try loaded.shapes(for: declared)
      }
    }
    if json {
      print(try JSONOutput.string(jsonObject(summary, tensors)))
    } else {
      printText(summary, tensors, shapeGiven: shape != nil)
    }
    if !summary.unsupportedOperators.isEmpty { throw ExitCode(1) }
  }

  private func parseShape(_ text: String) throws -> [Int] {
    let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1 << 20 }) else {
      throw ValidationError(
        "--input-shape \(text): expected sizes separated by commas, such as 1,3,224,224")
    }
    return sizes.map { $0! }
  }

  private func describe(_ value: ONNXValueInfo) -> String {
    "\(value.name): \(value.elementType.name) [\(value.shape?.map(\.description).joined(separator: ", ") ?? "unknown")]"
  }

  private func printText(
    _ summary: ONNXModelSummary, _ tensors: [ONNXTensorShape]?, shapeGiven: Bool
  ) {
    print("model: \(summary.file)")
    if !summary.producer.isEmpty { print("producer: \(summary.producer)") }
    print(
      "opset: \(summary.opsetImports.joined(separator: ", ")) (IR version \(summary.irVersion))")
    for input in summary.inputs { print("input: \(describe(input))") }
    for output in summary.outputs { print("output: \(describe(output))") }
    print("parameters: \(summary.parameterCount)")
    let counts = summary.operatorCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
    print("operators: " + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    if !summary.unsupportedOperators.isEmpty {
      print(
        "unsupported operators: \(summary.unsupportedOperators.joined(separator: ", ")) (RegionKit cannot run this model)"
      )
      return
    }
    guard let tensors else {
      print(
        "tensors: give --input-shape N,C,H,W to see every tensor's shape (the declared input shape is not fixed)"
      )
      return
    }
    print("tensors\(shapeGiven ? "" : " (declared input shape, batch 1)"): name, shape, stride")
    for tensor in tensors where !tensor.isConstant {
      let stride =
        tensor.stride.map { $0.height == $0.width ? "\($0.height)" : "\($0.height)x\($0.width)" }
        ?? "-"
      print("  \(tensor.name)  \(tensor.shape)  \(stride)")
    }
  }

  private func jsonObject(_ summary: ONNXModelSummary, _ tensors: [ONNXTensorShape]?) -> [String:
    Any]
  {
    func value(_ info: ONNXValueInfo) -> [String: Any] {
      [
        "name": info.name, "element_type": info.elementType.name,
        "shape": info.shape?.map(\.description) ?? [],
      ]
    }
    var object: [String: Any] = [
      "file": summary.file, "producer": summary.producer, "opset": summary.opsetVersion,
      "opset_imports": summary.opsetImports, "ir_version": summary.irVersion,
      "inputs": summary.inputs.map(value), "outputs": summary.outputs.map(value),
      "parameters": summary.parameterCount, "operators": summary.operatorCounts,
      "unsupported_operators": summary.unsupportedOperators,
    ]
    if let tensors {
      object["tensors"] = tensors.filter { !$0.isConstant }.map { tensor -> [String: Any] in
        var entry: [String: Any] = ["name": tensor.name, "shape": tensor.shape]
        if let stride = tensor.stride { entry["stride"] = [stride.height, stride.width] }
        return entry
      }
    }
    return object
  }
}

/// `regionkit model run`: runs an ONNX model on a NumPy array.
struct ModelRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run an ONNX model on a NumPy .npy array and write the result as .npy (float32).",
    discussion: """
      The input is an NCHW array for image networks (any number type; converted to float32). Batch \
      items run on --jobs threads; the output is the same for any number of threads.
      """)

  @Argument(help: "The .onnx file.")
  var model: String

  @Option(help: "The input array (.npy). For models with several inputs, NAME=FILE once per input.")
  var input: [String] = []

  @Option(name: .shortAndLong, help: "The output array (.npy).")
  var output: String

  @Option(
    help:
      "Write this named tensor (a graph output or any intermediate tensor, see `regionkit model info`). Default: the first graph output."
  )
  var tensor: String?

  @Option(help: "Threads. Default: the number of cores.")
  var jobs: Int?

  func validate() throws {
    guard !input.isEmpty else { throw ValidationError("--input is required") }
    try OptionRange.check("--jobs", jobs, in: 1...1024)
  }

  func run() throws {
    let loaded = try ONNXModel(contentsOf: URL(fileURLWithPath: model))
    for warning in loaded.warnings {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    var inputs: [String: Tensor] = [:]
    for entry in input {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      let (name, file) =
        parts.count == 2 ? (parts[0], parts[1]) : (loaded.inputs.first?.name ?? "", parts[0])
      if parts.count == 1 && input.count > 1 {
        throw ValidationError("--input \(entry): the model has several inputs; give NAME=FILE")
      }
      let array = try NPYArray(contentsOf: URL(fileURLWithPath: file))
      inputs[name] = Tensor(shape: array.shape, data: array.values)
    }
    try ComputeThreads.setCount(jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    let name = tensor ?? loaded.outputs[0].name
    let result = try loaded.run(inputs, outputs: [name])[name]!
    try NPYArray(shape: result.shape, values: result.data).write(to: URL(fileURLWithPath: output))
    print("\(name): \(result.shape) -> \(output)")
  }
}
