import Foundation

/// Platt's sigmoid `P(y = 1 | s) = 1 / (1 + exp(A·s + B))` mapping SVM decision values to
/// probabilities, fitted by Newton's method with the regularised targets of Lin, Lin and
/// Weng (2007).
///
/// Complexity: O(iterations · n).
///
/// References: J. Platt, "Probabilistic outputs for support vector machines", 1999;
/// H.-T. Lin, C.-J. Lin, R. C. Weng, "A note on Platt's probabilistic outputs for support
/// vector machines", Machine Learning 68, 2007.
public struct PlattScaling: Sendable, Hashable, Codable {
  /// The slope A (negative when higher scores mean more likely positive).
  public var a: Float
  /// The offset B.
  public var b: Float

  /// A sigmoid with the given parameters.
  public init(a: Float, b: Float) {
    self.a = a
    self.b = b
  }

  /// Fits A and B to decision values and labels (at most 100 Newton steps with
  /// backtracking).
  public init(scores: [Float], positive: [Bool]) {
    let positives = Double(positive.filter { $0 }.count)
    let negatives = Double(positive.count) - positives
    let high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2)
    let targets = positive.map { $0 ? high : low }
    let s = scores.map(Double.init)
    var a = 0.0, b = log((negatives + 1) / (positives + 1))
    func objective(_ a: Double, _ b: Double) -> Double {
      var f = 0.0
      for i in s.indices {
        let z: Double = a * s[i] + b
        let t: Double = targets[i]
        if z >= 0 {
          f += t * z + log(1 + exp(-z))
        } else {
          f += (t - 1) * z + log(1 + exp(z))
        }
      }
      return f
    }
    var value = objective(a, b)
    for _ in 0..<100 {
      var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
      for i in s.indices {
        let z: Double = a * s[i] + b
        let p: Double = PlattScaling.sigmoidOfNegative(z)
        let q = 1 - p
        let d2 = p * q
        h11 += s[i] * s[i] * d2
        h22 += d2
        h21 += s[i] * d2
        let d1 = targets[i] - p
        g1 += s[i] * d1
        g2 += d1
      }
      if abs(g1) < 1e-5 && abs(g2) < 1e-5 { break }
      let det = h11 * h22 - h21 * h21
      let da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det
      let gd = g1 * da + g2 * db
      var step = 1.0
      while step >= 1e-10 {
        let candidate = objective(a + step * da, b + step * db)
        if candidate < value + 1e-4 * step * gd {
          a += step * da
          b += step * db
          value = candidate
          break
        }
        step /= 2
      }
      if step < 1e-10 { break }
    }
    self.init(a: Float(a), b: Float(b))
  }

  /// The probability of the positive class for decision value `score`.
  public func probability(_ score: Float) -> Float {
    Float(PlattScaling.sigmoidOfNegative(Double(a * score + b)))
  }

  /// `1 / (1 + exp(z))`, computed without overflow.
  static func sigmoidOfNegative(_ z: Double) -> Double {
    if z >= 0 {
      let e = exp(-z)
      return e / (1 + e)
    }
    return 1 / (1 + exp(z))
  }
}
