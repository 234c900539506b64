import Boxes
import Foundation
import Imaging
import ProposalIO
import Segmentation
import Testing

@testable import Proposals

/// A 64x64 grey image with a bright red rectangle at [20, 16, 44, 48).
func objectnessRectangleImage() -> Image {
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

/// A proposal of `box` with a score and a selective-search-style level.
func objectnessProposal(_ box: Box, score: Float = 1, level: Int? = nil) -> Proposal {
  Proposal(box: box, score: score, provenance: Provenance(method: "fixed", level: level))
}

@Suite struct ObjectnessFeaturesTests {
  let small = ObjectnessFeatures.Settings(workingSide: nil, superpixels: 16)

  @Test func tightBoxBeatsStraddlingBox() throws {
    let f = try ObjectnessFeatures(image: objectnessRectangleImage(), settings: small)
    let tight = f.features(
      for: objectnessProposal(Box(x1: 19, y1: 15, x2: 45, y2: 49)), rank: 0, count: 2)
    let straddling = f.features(
      for: objectnessProposal(Box(x1: 32, y1: 4, x2: 60, y2: 30)), rank: 1, count: 2)
    #expect(tight[1] > straddling[1])  // edge contrast
    #expect(tight[2] > straddling[2])  // colour contrast
    #expect(tight[3] > straddling[3])  // straddling: higher SS = less straddled
    #expect(tight.count == ObjectnessFeatures.names.count)
  }

  @Test func rankLevelAndScoreCues() throws {
    let f = try ObjectnessFeatures(image: objectnessRectangleImage(), settings: small)
    let box = Box(x1: 10, y1: 10, x2: 30, y2: 30)
    let row = f.features(for: objectnessProposal(box, score: 0.25, level: 6), rank: 3, count: 7)
    #expect(abs(row[7] - 0.5) < 1e-6)  // rank 3 of 0...6
    #expect(abs(row[8] - Float(log(4.0))) < 1e-6)  // log(1 + rank)
    #expect(abs(row[9] - Float(log(7.0))) < 1e-6)  // log(1 + level)
    #expect(abs(row[10] - Float(log(0.25))) < 1e-6)  // log(score)
    let noLevel = f.features(for: objectnessProposal(box, score: -2), rank: 0, count: 1)
    #expect(noLevel[7] == 0 && noLevel[9] == 0)
    #expect(abs(noLevel[10] - Float(log(1e-6))) < 1e-4)  // non-positive scores clamp
  }

  @Test func integralFeaturesEqualBruteForce() throws {
    var rng = SplitMix64(seed: 7)
    var image = Image(width: 37, height: 29, channels: 3)
    for i in image.pixels.indices { image.pixels[i] = rng.nextUnitFloat() }
    let f = try ObjectnessFeatures(
      image: image, settings: .init(workingSide: nil, superpixels: 12))
    for _ in 0..<40 {
      let a = rng.nextUnitFloat() * 37, b = rng.nextUnitFloat() * 37
      let c = rng.nextUnitFloat() * 29, d = rng.nextUnitFloat() * 29
      let box = Box(x1: min(a, b), y1: min(c, d), x2: max(a, b) + 0.5, y2: max(c, d) + 0.5)
      let fast = f.features(for: objectnessProposal(box), rank: 3, count: 10)
      let slow = bruteForce(f, box)
      for j in 0..<4 { #expect(abs(fast[j] - slow[j]) < 1e-3, "feature \(j) of \(box)") }
      #expect(abs(fast[7] - 3.0 / 9) < 1e-6)
    }
  }

  /// The cues of a large image at a working side equal those of the image shrunk by hand,
  /// with the boxes scaled the same way.
  @Test func workingSideShrinksImageAndBoxesTogether() throws {
    var rng = SplitMix64(seed: 3)
    var image = Image(width: 96, height: 64, channels: 3)
    for i in image.pixels.indices { image.pixels[i] = rng.nextUnitFloat() }
    let shrunk = try ObjectnessFeatures(
      image: image, settings: .init(workingSide: 48, superpixels: 10))
    #expect(shrunk.width == 48 && shrunk.height == 32)
    let manual = try ObjectnessFeatures(
      image: image.resized(width: 48, height: 32),
      settings: .init(workingSide: nil, superpixels: 10))
    let box = Box(x1: 10, y1: 6, x2: 70, y2: 50)
    let half = Box(x1: 5, y1: 3, x2: 35, y2: 25)
    #expect(
      shrunk.features(for: objectnessProposal(box), rank: 0, count: 1)
        == manual.features(for: objectnessProposal(half), rank: 0, count: 1))
  }

  @Test func rejectsBadImagesAndSettings() {
    #expect(throws: ProposalsError.self) {
      try ObjectnessFeatures(image: Image(width: 8, height: 8, channels: 1))
    }
    #expect(throws: ProposalsError.self) {
      try ObjectnessFeatures(
        image: objectnessRectangleImage(), settings: .init(ringFraction: 0))
    }
    #expect(throws: ProposalsError.self) {
      try ObjectnessFeatures(
        image: objectnessRectangleImage(), settings: .init(workingSide: 4))
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
          inner += e
          nIn += 1
          hIn[bin] += 1
        } else {
          outer += e
          nOut += 1
          hOut[bin] += 1
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
}
