import Boxes
import Foundation
import Imaging
import Segmentation
import Testing

@testable import Proposals

@Suite struct ObjectnessTests {
  /// A 64x64 grey image with a bright red rectangle at [20, 16, 44, 48).
  static func rectangleImage() -> Image {
    var image = Image(width: 64, height: 64, channels: 3, repeating: 0.3)
    for y in 16..<48 {
      for x in 20..<44 {
        let p = 3 * (y * 64 + x)
        image.pixels[p] = 0.9
        image.pixels[p + 1] = 0.1
        image.pixels[p + 2] = 0.1
      }
    }
    return image
  }

  @Test func tightBoxBeatsStraddlingBox() throws {
    let f = try ObjectnessFeatures(image: Self.rectangleImage(), superpixels: SLIC(segments: 16))
    let tight = f.features(for: Box(x1: 19, y1: 15, x2: 45, y2: 49), rank: 0, count: 2)
    let straddling = f.features(for: Box(x1: 32, y1: 4, x2: 60, y2: 30), rank: 1, count: 2)
    #expect(tight[1] > straddling[1])  // edge contrast
    #expect(tight[2] > straddling[2])  // colour contrast
    #expect(tight[3] > straddling[3])  // straddling: higher SS = less straddled
  }

  @Test func integralFeaturesEqualBruteForce() throws {
    var rng = SplitMix64(seed: 7)
    var image = Image(width: 37, height: 29, channels: 3)
    for i in image.pixels.indices { image.pixels[i] = rng.nextUnitFloat() }
    let f = try ObjectnessFeatures(image: image, superpixels: SLIC(segments: 12))
    for _ in 0..<40 {
      let a = rng.nextUnitFloat() * 37, b = rng.nextUnitFloat() * 37
      let c = rng.nextUnitFloat() * 29, d = rng.nextUnitFloat() * 29
      let box = Box(x1: min(a, b), y1: min(c, d), x2: max(a, b) + 0.5, y2: max(c, d) + 0.5)
      let fast = f.features(for: box, rank: 3, count: 10)
      let slow = bruteForce(f, box)
      for j in 0..<4 { #expect(abs(fast[j] - slow[j]) < 1e-3, "feature \(j) of \(box)") }
      #expect(abs(fast[7] - 3.0 / 9) < 1e-6)
    }
  }

  func bruteForce(_ f: ObjectnessFeatures, _ box: Box) -> [Float] {
    let r = f.pixelRect(box), g = f.ringRect(r), w = f.width
    func inBox(_ x: Int, _ y: Int) -> Bool { x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1 }
    var inner = 0.0, outer = 0.0, nIn = 0.0, nOut = 0.0
    var hIn = [Double](repeating: 0, count: 16), hOut = hIn
    for y in g.y0..<g.y1 {
      for x in g.x0..<g.x1 {
        let e = Double(f.edgeStrength[y * w + x]), bin = Int(f.colorBin[y * w + x])
        if inBox(x, y) {
          inner += e; nIn += 1; hIn[bin] += 1
        } else {
          outer += e; nOut += 1; hOut[bin] += 1
        }
      }
    }
    var chi = 0.0
    if nOut > 0 {
      for b in 0..<16 {
        let p = hIn[b] / nIn, q = hOut[b] / nOut
        if p + q > 0 { chi += (p - q) * (p - q) / (p + q) }
      }
    }
    var inside = [Int: Int](), total = [Int: Int]()
    for y in 0..<f.height {
      for x in 0..<w {
        let l = Int(f.superpixels[y * w + x])
        total[l, default: 0] += 1
        if inBox(x, y) { inside[l, default: 0] += 1 }
      }
    }
    let cost = total.reduce(0) { $0 + min(inside[$1.key] ?? 0, $1.value - (inside[$1.key] ?? 0)) }
    return [
      Float(inner / nIn), Float(inner / nIn - (nOut > 0 ? outer / nOut : 0)), Float(chi / 2),
      Float(1 - Double(cost) / nIn),
    ]
  }

  @Test func logisticRegressionRecoversSeparableRule() throws {
    var rng = SplitMix64(seed: 1)
    var rows = [[Float]](), labels = [Bool]()
    for _ in 0..<400 {
      let row = (0..<8).map { _ in rng.nextUnitFloat() * 2 - 1 }
      rows.append(row)
      labels.append(row[0] - 0.5 * row[3] > 0.1)
    }
    let model = try ObjectnessModel.train(features: rows, labels: labels, l2: 1e-4)
    #expect(model.training.accuracy > 0.97)
    #expect(model.weights[0] > 0 && model.weights[3] < 0)
    #expect(abs(model.weights[1]) < abs(model.weights[0]) / 5)
    let again = try ObjectnessModel.train(features: rows, labels: labels, l2: 1e-4)
    #expect(again == model)
  }

  func smallModel() throws -> ObjectnessModel {
    let rows: [[Float]] = (0..<20).map { i in (0..<8).map { Float(($0 + 1) * i % 7) } }
    return try ObjectnessModel.train(
      features: rows, labels: (0..<20).map { $0 % 3 == 0 }, l2: 0.1, notes: "test")
  }

  @Test func jsonRoundTripAndMalformedErrors() throws {
    let model = try smallModel()
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "objectness-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try model.save(to: url)
    #expect(try ObjectnessModel.load(from: url) == model)

    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    object["weights"] = [1.0, 2.0]
    let short = try JSONSerialization.data(withJSONObject: object)
    #expect(throws: ObjectnessError.self) { try ObjectnessModel.decode(short, file: "m.json") }
    do throws(ObjectnessError) {
      _ = try ObjectnessModel.decode(short, file: "m.json")
    } catch {
      #expect(error.description.contains("m.json") && error.description.contains("weights"))
    }
    object.removeValue(forKey: "bias")
    let noBias = try JSONSerialization.data(withJSONObject: object)
    do throws(ObjectnessError) {
      _ = try ObjectnessModel.decode(noBias, file: "m.json")
      Issue.record("expected an error")
    } catch {
      #expect(error == .malformed(file: "m.json", field: "bias", reason: "missing key \"bias\""))
    }
    #expect(throws: ObjectnessError.self) { try ObjectnessModel.decode(Data("{".utf8), file: "x") }
  }

  @Test func rerankerIsDeterministicAndKeepsProvenance() throws {
    let boxes = [
      Box(x1: 32, y1: 4, x2: 60, y2: 30), Box(x1: 0, y1: 0, x2: 10, y2: 10),
      Box(x1: 19, y1: 15, x2: 45, y2: 49),
    ]
    let base = FixedGenerator(name: "fixed", boxes: boxes)
    let reranker = ObjectnessReranker(
      base: base, model: try smallModel(), superpixels: SLIC(segments: 16))
    let image = Self.rectangleImage()
    let first = try reranker.proposals(for: image)
    #expect(try reranker.proposals(for: image) == first)
    #expect(Set(first.map(\.box)) == Set(boxes))
    #expect(first.allSatisfy { $0.provenance.method == "fixed" })
    #expect(zip(first, first.dropFirst()).allSatisfy { $0.score >= $1.score })
    #expect(reranker.name == "fixed+objectness")
  }
}
