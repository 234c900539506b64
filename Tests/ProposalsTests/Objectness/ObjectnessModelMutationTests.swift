import Boxes
import Foundation
import Imaging
import ProposalIO
import Testing

@testable import Proposals

/// A valid objectness model mutated one key at a time (missing, wrong type, empty list, 0, -1,
/// 1e12, "NaN", huge or negative first element): decoding either gives a model that re-ranks
/// proposals of a small image, or an error naming the file and the key — never a trap.
@Suite struct ObjectnessModelMutationTests {
  static let image: Image = {
    let (width, height) = (24, 16)
    var pixels = [Float](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        let inside = (6..<14).contains(x) && (4..<12).contains(y)
        for c in 0..<3 { pixels[(y * width + x) * 3 + c] = inside ? 0.9 : Float(x + c) / 27 }
      }
    }
    return Image(width: width, height: height, channels: 3, pixels: pixels)
  }()

  static let proposals: [Proposal] = [
    Box(x1: 6, y1: 4, x2: 14, y2: 12), Box(x1: 0, y1: 0, x2: 24, y2: 16),
    Box(x1: 5, y1: 3, x2: 15, y2: 13),
  ].enumerated().map { index, box in
    Proposal(box: box, score: 1 / Float(index + 1), provenance: Provenance(method: "test"))
  }

  static func mutations() -> [(String, (Any) -> Any??)] {
    [
      ("missing", { _ in .some(nil) }), ("wrong type", { $0 is String ? 17 : "x" }),
      ("empty list", { _ in [Any]() }), ("zero", { _ in 0 }), ("negative", { _ in -1 }),
      ("huge", { _ in 1e12 }), ("NaN", { _ in "NaN" }),
      (
        "huge element",
        { value in
          guard var list = value as? [Any], !list.isEmpty, list[0] is NSNumber else { return .none }
          list[0] = 1e30
          return list
        }
      ),
    ]
  }

  @Test func everyKeyIsCheckedOnLoad() throws {
    var model = try smallObjectnessModel()
    model.featureNames = ["edge_density", "superpixel_straddling"]
    let encoder = JSONEncoder()
    let json = try #require(
      try JSONSerialization.jsonObject(with: encoder.encode(model)) as? [String: Any])
    var checked = 0
    for key in json.keys.sorted() {
      let paths: [[String]] =
        [[key]] + ((json[key] as? [String: Any])?.keys.sorted().map { [key, $0] } ?? [])
      for path in paths {
        let value: Any? =
          path.count == 1 ? json[key] : (json[key] as? [String: Any])?[path[1]]
        for (name, mutate) in Self.mutations() {
          guard case .some(let newValue) = mutate(value as Any) else { continue }
          var mutated = json
          if path.count == 1 {
            mutated[key] = newValue
          } else {
            var inner = json[key] as? [String: Any] ?? [:]
            inner[path[1]] = newValue
            mutated[key] = inner
          }
          let data = try JSONSerialization.data(withJSONObject: mutated)
          checked += 1
          let label = "\(path.joined(separator: ".")) \(name)"
          do {
            let loaded = try ObjectnessModel.decode(data, file: "objectness.json")
            let reranker = try ObjectnessReranker(base: SlidingWindow(), model: loaded, force: true)
            _ = try reranker.rerank(Self.proposals, in: Self.image)
          } catch let error as ObjectnessError {
            let text = error.description
            // The version is named as the model's format.
            let key = path.last! == "format_version" ? "format" : path.last!
            #expect(text.contains("objectness.json") && text.contains(key), "\(label): \(text)")
          } catch {
            Issue.record("\(label): untyped \(type(of: error)): \(error)")
          }
        }
      }
    }
    #expect(checked > 40)
  }

  /// Cue settings that would overflow a pixel count or allocate without bound are refused.
  @Test(arguments: [
    ("ring_fraction", 1e30), ("ring_fraction", 11), ("working_side", 1e12),
    ("superpixels", 1e12),
  ])
  func cueSettingsAreBounded(key: String, value: Double) throws {
    let model = try smallObjectnessModel()
    var json = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as? [String: Any])
    var cues = try #require(json["cues"] as? [String: Any])
    cues[key] = value
    json["cues"] = cues
    let data = try JSONSerialization.data(withJSONObject: json)
    #expect(
      throws: ObjectnessError.malformed(
        file: "m.json", field: "cues.\(key)",
        reason: try #require(Self.reason(key: key, value: value)))
    ) { _ = try ObjectnessModel.decode(data, file: "m.json") }
  }

  static func reason(key: String, value: Double) -> String? {
    switch key {
    case "ring_fraction": "\(Float(value)) is not a finite value in (0, 10.0]"
    case "working_side": "\(Int(value)) is not between 8 and 65536"
    case "superpixels": "\(Int(value)) is not between 1 and 1000000"
    default: nil
    }
  }
}
