import Foundation
import NeuralNet
import ProposalIO
import RegionKitTestSupport

/// One model of `Fixtures/onnx/manifest.json` (written by `Tools/onnx/make_fixtures.py`): the
/// file, its input and onnxruntime's outputs.
struct FixtureModel: Sendable, CustomStringConvertible {
  struct Run: Sendable {
    var inputName: String
    var inputFile: String
    /// Tensor name -> expected-values file.
    var outputs: [String: String]
  }

  var name: String
  var model: String
  var opset: Int
  var parameterCount: Int
  var operatorCounts: [String: Int]
  var runs: [Run]
  var expectedError: String?

  var description: String { name }

  var url: URL { Fixtures.url("onnx/\(model)") }

  /// Every case of the manifest.
  static let all: [FixtureModel] = {
    let url = Fixtures.url("onnx/manifest.json")
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let cases = object["cases"] as? [[String: Any]]
    else { return [] }
    return cases.map { entry in
      func run(_ entry: [String: Any]) -> Run {
        let input = entry["input"] as? [String: Any] ?? [:]
        return Run(
          inputName: input["name"] as? String ?? "", inputFile: input["file"] as? String ?? "",
          outputs: entry["outputs"] as? [String: String] ?? [:])
      }
      var runs = entry["input"] == nil ? [] : [run(entry)]
      runs += (entry["more_runs"] as? [[String: Any]] ?? []).map(run)
      return FixtureModel(
        name: entry["name"] as? String ?? "", model: entry["model"] as? String ?? "",
        opset: entry["opset"] as? Int ?? 0, parameterCount: entry["parameter_count"] as? Int ?? -1,
        operatorCounts: entry["op_counts"] as? [String: Int] ?? [:], runs: runs,
        expectedError: entry["expect_error"] as? String)
    }
  }()

  /// The runnable cases (those not made to fail).
  static var runnable: [FixtureModel] { all.filter { $0.expectedError == nil } }

  static func named(_ name: String) -> FixtureModel { all.first { $0.name == name }! }

  /// A fixture array as a tensor.
  static func tensor(_ file: String) throws -> Tensor {
    let array = try NPYArray(contentsOf: Fixtures.url("onnx/\(file)"))
    return Tensor(shape: array.shape, data: array.values)
  }
}

/// The parity criterion against onnxruntime: `|a - b| <= 1e-4 * max|b| + 1e-5` everywhere.
/// Returns nil when it holds, otherwise the worst difference and the bound.
func parityFailure(_ actual: Tensor, _ expected: Tensor) -> String? {
  guard actual.shape == expected.shape else {
    return "shape \(actual.shape), expected \(expected.shape)"
  }
  let scale = expected.data.map(abs).max() ?? 0
  let bound = 1e-4 * scale + 1e-5
  var worst: Float = 0
  for (a, b) in zip(actual.data, expected.data) { worst = max(worst, abs(a - b)) }
  return worst <= bound ? nil : "max |difference| \(worst) > bound \(bound)"
}
