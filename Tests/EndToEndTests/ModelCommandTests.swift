import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

/// `regionkit model info` and `regionkit model run` on the ONNX fixtures.
@Suite struct ModelCommandTests {
  let residual = Fixtures.url("onnx/residual_cnn.onnx").path

  @Test func infoDescribesTheModelAndEveryTensorWithItsStride() throws {
    let result = try runRegionKit(["model", "info", residual])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("opset: ai.onnx 13"))
    #expect(result.stdout.contains("input: input: float [batch, 3, 24, 32]"))
    #expect(result.stdout.contains("parameters: 2645"))
    #expect(result.stdout.contains("Conv 4, Relu 4"))
    #expect(result.stdout.contains("/pool/MaxPool_output_0  [1, 8, 12, 16]  2"))
    #expect(result.stdout.contains("/down/down.2/Relu_output_0  [1, 16, 6, 8]  4"))
  }

  @Test func infoTakesAnInputShapeAndPrintsJSON() throws {
    let result = try runRegionKit([
      "model", "info", residual, "--input-shape", "2,3,24,32", "--json",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let tensors = try #require(object["tensors"] as? [[String: Any]])
    let pooled = try #require(tensors.first { $0["name"] as? String == "/pool/MaxPool_output_0" })
    #expect(pooled["shape"] as? [Int] == [2, 8, 12, 16])
    #expect(pooled["stride"] as? [Int] == [2, 2])
    #expect(object["parameters"] as? Int == 2645)
  }

  @Test func infoListsUnsupportedOperatorsAndExitsOne() throws {
    let result = try runRegionKit(["model", "info", Fixtures.url("onnx/unsupported_op.onnx").path])
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("unsupported operators: LSTM"))
  }

  @Test func runWritesTheOutputAndNamedTensorsLikeOnnxruntime() throws {
    let folder = try Fixtures.temporaryDirectory("model-run")
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("y.npy")
    let input = Fixtures.url("onnx/residual_cnn.input3.npy").path
    var result = try runRegionKit([
      "model", "run", residual, "--input", input, "-o", output.path, "--jobs", "2",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    var written = try NPYArray(contentsOf: output)
    var expected = try NPYArray(contentsOf: Fixtures.url("onnx/residual_cnn.output3.npy"))
    #expect(written.shape == expected.shape)
    #expect(zip(written.values, expected.values).allSatisfy { abs($0 - $1) <= 1e-4 })
    result = try runRegionKit([
      "model", "run", residual, "--input", Fixtures.url("onnx/residual_cnn.input.npy").path,
      "-o", output.path, "--tensor", "/Add_output_0",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    written = try NPYArray(contentsOf: output)
    expected = try NPYArray(contentsOf: Fixtures.url("onnx/residual_cnn.Add_output_0.npy"))
    #expect(written.shape == [2, 8, 24, 32])
    #expect(zip(written.values, expected.values).allSatisfy { abs($0 - $1) <= 1e-4 })
  }

  @Test func badInputsFailWithTheFileNamed() throws {
    let folder = try Fixtures.temporaryDirectory("model-run-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = folder.appendingPathComponent("notes.onnx")
    try Data("not a model".utf8).write(to: text)
    var result = try runRegionKit(["model", "info", text.path])
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("notes.onnx"))
    // An input of the wrong shape names the input.
    let wrong = folder.appendingPathComponent("wrong.npy")
    try NPYArray(shape: [1, 4, 24, 32], values: [Float](repeating: 0, count: 4 * 24 * 32)).write(
      to: wrong)
    result = try runRegionKit([
      "model", "run", residual, "--input", wrong.path, "-o",
      folder.appendingPathComponent("y.npy").path,
    ])
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("input \"input\""))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("y.npy").path))
  }
}
