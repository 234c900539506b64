import Boxes
import FuzzSupport
import Imaging
import ProposalIO
import Proposals

/// A small fixed scene: a bright square on a gradient.
let image: Image = {
  let (width, height) = (24, 16)
  var pixels = [Float](repeating: 0, count: width * height * 3)
  for y in 0..<height {
    for x in 0..<width {
      let inside = (6..<14).contains(x) && (4..<12).contains(y)
      for c in 0..<3 {
        pixels[(y * width + x) * 3 + c] = inside ? 0.9 : Float(x + c) / Float(width + 3)
      }
    }
  }
  return Image(width: width, height: height, channels: 3, pixels: pixels)
}()

/// A few proposals on it, best first.
let proposals: [Proposal] = [
  Box(x1: 6, y1: 4, x2: 14, y2: 12), Box(x1: 0, y1: 0, x2: 24, y2: 16),
  Box(x1: 5, y1: 3, x2: 15, y2: 13), Box(x1: 20, y1: 10, x2: 23, y2: 15),
  Box(x1: 0, y1: 0, x2: 1, y2: 1),
].enumerated().map { index, box in
  Proposal(box: box, score: 1 / Float(index + 1), provenance: Provenance(method: "fuzz"))
}

/// Decodes the input as an objectness model (`ObjectnessModel.decode`, which validates it),
/// then re-ranks a few proposals of a small image with it, as `propose --objectness` does.
/// Any input must give a model or a thrown error, and a valid model must re-rank.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzObjectness(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard let model = try? ObjectnessModel.decode(fuzzData(bytes, count), file: "objectness.json")
  else { return 0 }
  guard
    let reranker = try? ObjectnessReranker(base: SlidingWindow(), model: model, force: true),
    let ranked = try? reranker.rerank(proposals, in: image)
  else { return 0 }
  guard ranked.count == proposals.count else {
    fatalError("re-ranking gave \(ranked.count) proposals for \(proposals.count)")
  }
  return 0
}
