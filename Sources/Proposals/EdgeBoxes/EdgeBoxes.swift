import Boxes
import Edges
import Foundation
import Imaging
import ProposalIO

/// EdgeBoxes (Zitnick & Dollár, ECCV 2014): boxes that wholly enclose many edge groups.
///
/// The idea: the number of contours wholly inside a box tells how likely it holds an object.
/// Edges come from a Sobel gradient, thinned by non-maximum suppression (``/Edges/EdgeMap``); they
/// are grouped by orientation continuity (``EdgeGroups``), and each box is scored by the
/// magnitude of the groups it encloses, discounted by their affinity to groups straddling its
/// boundary, minus the magnitude in its centre half, over `(2(w + h))^κ`. Boxes are found by a
/// coarse sliding search whose neighbouring windows overlap by IoU `alpha`, the best of them
/// refined by a greedy coordinate search with halving steps, and suppressed by NMS at IoU
/// `beta` (adapted by `eta` after each kept box). Scores are kept in the output.
///
///     let generator = EdgeBoxes(maxBoxes: 1000)
///     let proposals = try generator.proposals(for: image)
///     // Or on an edge map of your own (thinned, gradient orientation in radians):
///     let boxes = try generator.proposals(for: edgeMap)
///
/// - Parameters:
///   - alpha: IoU between neighbouring windows of the coarse search (step size), in `(0, 1)`.
///     Default: `0.65`.
///   - beta: NMS IoU threshold, in `(0, 1]`. Default: `0.75`.
///   - eta: Adaptation rate of `beta` after each kept box (1 = plain NMS), in `(0, 1]`.
///     Default: `1`.
///   - minScore: Boxes scoring at or below this are dropped, on the scale of the authors' code:
///     it normalises by `((w + h) / 2)^κ` where the paper writes `(2(w + h))^κ`, so its scores
///     are `4^κ` times the paper's, which RegionKit returns (the ranking is the same). A box is
///     kept when `4^κ · score > minScore`. Default: `0.01`.
///   - maxBoxes: At most this many boxes are returned, best first. Default: `10000`.
///   - maxRefinedBoxes: At most this many boxes of the coarse search are refined, those with
///     the best coarse scores (ties: search order); the others keep their coarse position and
///     score. `nil` means `3 × maxBoxes`. Not a parameter of the paper, whose code refines every
///     box above `minScore` (what `nil` does whenever the coarse search finds at most
///     `3 × maxBoxes`, as with the default `maxBoxes` on typical photos). Refinement is most
///     of the work, and boxes ranked far below `maxBoxes` after the coarse search seldom reach
///     the output: with `maxBoxes` 1000 on the 160 coco-tiny photos (about 15,000 boxes above
///     `minScore` each), `nil` refines a fifth of them, is 2.2 times as fast as refining all,
///     and gives AR@100 / 300 / 1000 of 0.0854 / 0.1472 / 0.2432 against 0.0857 / 0.1476 /
///     0.2418 (`Docs/benchmarks.md`). Default: `nil`.
///   - edgeMinMagnitude: Edge pixels at or below this magnitude (in `[0, 1]`) are ignored.
///     Default: `0.1`.
///   - edgeMergeThreshold: Largest sum of orientation differences along a group, radians.
///     Default: `0.5`.
///   - clusterMinMagnitude: Groups of smaller total magnitude merge into a neighbour.
///     Default: `0.5`.
///   - maxAspectRatio: Largest width/height or height/width of searched boxes. Default: `3`.
///   - minBoxArea: Smallest searched box area, square pixels. Default: `1000`.
///   - gamma: Affinity exponent γ. Default: `2`.
///   - kappa: Perimeter normalisation exponent κ. Default: `1.5`.
///   - edgeSigma: Gaussian blur (pixels) before the Sobel gradient when proposing from an image.
///     Default: `1`.
/// - Complexity: about O(*P* log *P*) for grouping *P* pixels plus O(*B* · *f*) for *B*
///   searched boxes with *f* edge pixels and reached groups per box frame.
///
/// Reference: C. L. Zitnick, P. Dollár, "Edge Boxes: Locating Object Proposals from Edges",
/// ECCV 2014.
public struct EdgeBoxes: ProposalGenerator, Hashable {
  public var alpha: Float
  public var beta: Float
  public var eta: Float
  public var minScore: Float
  public var maxBoxes: Int
  public var maxRefinedBoxes: Int?
  public var edgeMinMagnitude: Float
  public var edgeMergeThreshold: Float
  public var clusterMinMagnitude: Float
  public var maxAspectRatio: Float
  public var minBoxArea: Float
  public var gamma: Float
  public var kappa: Float
  public var edgeSigma: Float

  public init(
    alpha: Float = 0.65, beta: Float = 0.75, eta: Float = 1, minScore: Float = 0.01,
    maxBoxes: Int = 10000, maxRefinedBoxes: Int? = nil, edgeMinMagnitude: Float = 0.1,
    edgeMergeThreshold: Float = .pi / 2, clusterMinMagnitude: Float = 0.5,
    maxAspectRatio: Float = 3, minBoxArea: Float = 1000, gamma: Float = 2, kappa: Float = 1.5,
    edgeSigma: Float = 1
  ) {
    self.alpha = alpha
    self.beta = beta
    self.eta = eta
    self.minScore = minScore
    self.maxBoxes = maxBoxes
    self.maxRefinedBoxes = maxRefinedBoxes
    self.edgeMinMagnitude = edgeMinMagnitude
    self.edgeMergeThreshold = edgeMergeThreshold
    self.clusterMinMagnitude = clusterMinMagnitude
    self.maxAspectRatio = maxAspectRatio
    self.minBoxArea = minBoxArea
    self.gamma = gamma
    self.kappa = kappa
    self.edgeSigma = edgeSigma
  }

  public var name: String { "edge-boxes" }

  /// Checks every parameter.
  ///
  /// - Throws: ``ProposalsError/invalidParameter(generator:field:value:expected:)`` naming the
  ///   first parameter out of range.
  public func validate() throws(ProposalsError) {
    func check(_ ok: Bool, _ field: String, _ value: Any, _ expected: String) throws(ProposalsError)
    {
      if !ok {
        throw .invalidParameter(
          generator: name, field: field, value: "\(value)", expected: expected)
      }
    }
    try check(alpha > 0 && alpha < 1, "alpha", alpha, "a value in (0, 1)")
    try check(beta > 0 && beta <= 1, "beta", beta, "a value in (0, 1]")
    try check(eta > 0 && eta <= 1, "eta", eta, "a value in (0, 1]")
    try check(minScore.isFinite, "minScore", minScore, "a finite value")
    try check(maxBoxes >= 0, "maxBoxes", maxBoxes, "0 or more")
    if let maxRefinedBoxes {
      try check(maxRefinedBoxes >= 0, "maxRefinedBoxes", maxRefinedBoxes, "0 or more")
    }
    try check(
      edgeMinMagnitude.isFinite && edgeMinMagnitude >= 0, "edgeMinMagnitude", edgeMinMagnitude,
      "a finite value >= 0")
    try check(
      edgeMergeThreshold.isFinite && edgeMergeThreshold >= 0, "edgeMergeThreshold",
      edgeMergeThreshold, "a finite value >= 0")
    try check(
      clusterMinMagnitude.isFinite && clusterMinMagnitude >= 0, "clusterMinMagnitude",
      clusterMinMagnitude, "a finite value >= 0")
    try check(
      maxAspectRatio.isFinite && maxAspectRatio >= 1, "maxAspectRatio", maxAspectRatio,
      "a finite value >= 1")
    try check(
      minBoxArea.isFinite && minBoxArea >= 4, "minBoxArea", minBoxArea, "a finite value >= 4")
    try check(gamma.isFinite && gamma > 0, "gamma", gamma, "a finite value > 0")
    try check(kappa.isFinite && kappa >= 0, "kappa", kappa, "a finite value >= 0")
    try check(edgeSigma.isFinite && edgeSigma >= 0, "edgeSigma", edgeSigma, "a finite value >= 0")
  }

  /// The thinned Sobel edge map EdgeBoxes works on (exposed so peers can be fed the same map).
  public func edgeMap(for image: Image) throws -> EdgeMap {
    try validate()
    let gray = image.channels == 1 ? image : image.grayscale()
    return try GradientEdgeDetector(operator: .sobel, sigma: edgeSigma, thinned: true).edges(
      in: gray)
  }

  public func proposals(for image: Image) throws -> [Proposal] {
    try proposals(for: edgeMap(for: image))
  }

  /// Proposals from an edge map: `strength` in `[0, 1]` (thinned), `orientation` the gradient
  /// direction in radians.
  public func proposals(for edges: EdgeMap) throws(ProposalsError) -> [Proposal] {
    try validate()
    let groups = EdgeGroups(
      edges: edges, minMagnitude: edgeMinMagnitude, mergeThreshold: edgeMergeThreshold,
      clusterMinMagnitude: clusterMinMagnitude, gamma: gamma)
    let scorer = EdgeBoxScorer(groups: groups, edges: edges.strength, kappa: kappa)
    var candidates = coarseSearch(scorer)
    for i in Self.ranking(of: candidates).prefix(refinedBoxLimit) {
      refine(&candidates[i], scorer)
    }
    let threshold = paperMinScore
    return suppress(candidates.filter { $0.score > threshold })
  }

  /// ``maxRefinedBoxes``, or `3 × maxBoxes` when it is `nil`.
  var refinedBoxLimit: Int {
    if let maxRefinedBoxes { return maxRefinedBoxes }
    let (limit, overflow) = maxBoxes.multipliedReportingOverflow(by: 3)
    return overflow ? Int.max : limit
  }

  /// The candidates' indices by decreasing score, ties in search order.
  static func ranking(of candidates: [Candidate]) -> [Int] {
    candidates.indices.sorted {
      candidates[$0].score != candidates[$1].score
        ? candidates[$0].score > candidates[$1].score : $0 < $1
    }
  }

  /// `minScore` on the paper's scale: `minScore / 4^κ`.
  var paperMinScore: Float { minScore / pow(4, kappa) }

  /// A box during the search: inclusive pixel rows and columns and its score.
  struct Candidate: Equatable {
    var x0: Int, y0: Int, x1: Int, y1: Int, score: Float
    var box: Box { Box(x1: Float(x0), y1: Float(y0), x2: Float(x1 + 1), y2: Float(y1 + 1)) }
  }

  /// The aspect ratios (width / height) searched: powers of `s²` up to `maxAspectRatio`, with
  /// `s = (1 + α) / (2α)`. Neighbouring shapes scale the width by *s* and divide the height by
  /// *s*, so concentric neighbours overlap by IoU `1 / (2s − 1) = α`.
  var aspectRatios: [Float] {
    let step = (1 + alpha) / (2 * alpha)
    let steps = Int((log(maxAspectRatio) / log(step * step)).rounded(.down))
    return (-steps...steps).map { pow(step * step, Float($0)) }
  }

  /// Windows of every ratio and scale (sides grow by `√(1/α)` from `√minBoxArea`), stepping by
  /// `(1 − α) / (1 + α)` of their size, kept when scoring above `minScore`.
  func coarseSearch(_ scorer: EdgeBoxScorer) -> [Candidate] {
    let w = scorer.width, h = scorer.height
    let scaleStep = (1 / alpha).squareRoot()
    let stepRatio = (1 - alpha) / (1 + alpha)
    let minSide = minBoxArea.squareRoot()
    let minScore = paperMinScore
    var found: [Candidate] = []
    for ratio in aspectRatios {
      var side = minSide
      var seen: (Int, Int)? = nil
      while true {
        defer { side *= scaleStep }
        // Sides grow up to the image's longer side (the clipped shapes cover the rest).
        if side >= Float(max(w, h)) { break }
        // Boxes larger than the image are clipped to it, so long objects spanning the image
        // are searched too; the last window of each row and column touches the image edge.
        let boxWidth = min(w, Int((side * ratio.squareRoot()).rounded()))
        let boxHeight = min(h, Int((side / ratio.squareRoot()).rounded()))
        guard boxWidth >= 2, boxHeight >= 2 else { continue }
        if let last = seen, last == (boxWidth, boxHeight) {
          if (boxWidth, boxHeight) == (w, h) { break }
          continue
        }
        seen = (boxWidth, boxHeight)
        let stepX = max(2, Int((Float(boxWidth) * stepRatio).rounded()))
        let stepY = max(2, Int((Float(boxHeight) * stepRatio).rounded()))
        for y0 in Self.origins(size: boxHeight, extent: h, step: stepY) {
          for x0 in Self.origins(size: boxWidth, extent: w, step: stepX) {
            let score = scorer.score(
              x0: x0, y0: y0, x1: x0 + boxWidth - 1, y1: y0 + boxHeight - 1, threshold: minScore)
            if score > minScore {
              found.append(
                Candidate(
                  x0: x0, y0: y0, x1: x0 + boxWidth - 1, y1: y0 + boxHeight - 1, score: score))
            }
          }
        }
      }
    }
    return found
  }

  /// Window origins `0, step, 2·step, …` plus one flush with the far edge.
  static func origins(size: Int, extent: Int, step: Int) -> [Int] {
    let last = extent - size
    guard last > 0 else { return [0] }
    var origins = Array(stride(from: 0, to: last, by: step))
    origins.append(last)
    return origins
  }

  /// Greedy refinement: move each side by ± a step that halves from the coarse step until 2.
  func refine(_ candidate: inout Candidate, _ scorer: EdgeBoxScorer) {
    let stepRatio = (1 - alpha) / (1 + alpha)
    var stepY = Float(candidate.y1 - candidate.y0 + 1) * stepRatio
    var stepX = Float(candidate.x1 - candidate.x0 + 1) * stepRatio
    let w = scorer.width, h = scorer.height
    var best = candidate
    while true {
      stepY /= 2
      stepX /= 2
      if stepY <= 2 && stepX <= 2 { break }
      let dy = max(1, Int(stepY.rounded())), dx = max(1, Int(stepX.rounded()))
      for side in 0..<4 {
        // The move by −step first; the opposite move only when that did not help.
        for sign in stride(from: -1, through: 1, by: 2) {
          var trial = best
          switch side {
          case 0: trial.y0 += sign * dy
          case 1: trial.y1 += sign * dy
          case 2: trial.x0 += sign * dx
          default: trial.x1 += sign * dx
          }
          guard trial.x0 >= 0, trial.y0 >= 0, trial.x1 < w, trial.y1 < h,
            trial.x1 - trial.x0 >= 1, trial.y1 - trial.y0 >= 1
          else { continue }
          let score = scorer.score(
            x0: trial.x0, y0: trial.y0, x1: trial.x1, y1: trial.y1, threshold: best.score)
          if score > best.score {
            trial.score = score
            best = trial
            break
          }
        }
      }
    }
    candidate = best
  }

  /// Sorts by score (stable on search order), then greedy NMS at `beta`, adapted by `eta`.
  ///
  /// Kept boxes are binned by log area: two boxes with IoU above *t* have an area ratio above
  /// *t*, so only bins within `log(1/t)` of a box's own need checking.
  func suppress(_ candidates: [Candidate]) -> [Proposal] {
    let order = Self.ranking(of: candidates)
    var bins: [Int: [Box]] = [:]
    var proposals: [Proposal] = []
    var threshold = beta
    let binWidth = log(1 / beta)
    let provenance = Provenance(method: name)
    for index in order {
      if proposals.count >= maxBoxes { break }
      let candidate = candidates[index]
      let box = candidate.box
      let logArea = log(box.area)
      let bin = binWidth > 0 ? Int((logArea / binWidth).rounded(.down)) : 0
      let reach = binWidth > 0 ? Int((log(1 / threshold) / binWidth).rounded(.up)) : 0
      var suppressed = false
      for other in (bin - reach)...(bin + reach) {
        if bins[other]?.contains(where: { $0.iou(box) > threshold }) == true {
          suppressed = true
          break
        }
      }
      if suppressed { continue }
      bins[bin, default: []].append(box)
      proposals.append(Proposal(box: box, score: candidate.score, provenance: provenance))
      if eta < 1 && threshold > 0.5 { threshold *= eta }
    }
    return proposals
  }
}
