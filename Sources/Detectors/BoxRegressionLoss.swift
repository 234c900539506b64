import Foundation
import NeuralNet

/// The regression loss of a box head: L1, mean squared error or smooth L1.
///
/// All three compare predicted and target box coordinates element by element and average over
/// the elements (``/NeuralNet/Reduction/mean``). For a difference `d`:
/// L1 is `|d|` (gradient `sign(d)`), MSE is `d²` (gradient `2d`), smooth L1 is `d² / (2β)` when
/// `|d| < β` and `|d| - β/2` otherwise (gradient `d/β`, then `sign(d)`; continuous at `|d| = β`).
///
///     let loss = BoxRegressionLoss.smoothL1(beta: 1.0 / 9).loss(predicted, target)
///
/// With targets normalised to the image (differences below 1), smooth L1 with β = 1 is exactly
/// half of MSE everywhere; β = 1/9 (Fast R-CNN's RPN value in pixel-free units) switches to L1
/// for errors above 11 % of the image side. `Docs/losses.md` compares them.
///
/// Reference: R. Girshick, "Fast R-CNN", ICCV 2015 (smooth L1, β = 1).
public enum BoxRegressionLoss: Sendable, Hashable, Codable {
  /// Mean absolute error.
  case l1
  /// Mean squared error.
  case mse
  /// Huber-like smooth L1 with transition point `beta` (in target units, > 0).
  case smoothL1(beta: Float)

  /// The loss of `input` against `target` (same shape), averaged over all elements.
  ///
  /// - Parameters:
  ///   - input: Predictions, any shape.
  ///   - target: Targets of the same shape.
  /// - Returns: The value and its gradient with respect to `input`.
  /// - Complexity: O(number of elements).
  public func loss(_ input: Tensor, _ target: Tensor) -> Loss {
    switch self {
    case .l1: l1Loss(input, target)
    case .mse: mseLoss(input, target)
    case .smoothL1(let beta): smoothL1Loss(input, target, beta: beta)
    }
  }

  /// A short name for tables and file names: `l1`, `mse`, `smooth-l1-b1`, `smooth-l1-b0.111`.
  public var name: String {
    switch self {
    case .l1: "l1"
    case .mse: "mse"
    case .smoothL1(let beta): "smooth-l1-b\(Self.format(beta))"
    }
  }

  /// Parses `l1`, `mse`, `smooth-l1` (β = 1) or `smooth-l1:BETA`, where BETA is a number or a
  /// fraction such as `1/9`.
  ///
  /// - Parameter text: The spelling.
  /// - Returns: The loss, or nil when `text` is none of these or β is not positive.
  public init?(parsing text: String) {
    switch text {
    case "l1": self = .l1
    case "mse": self = .mse
    case "smooth-l1": self = .smoothL1(beta: 1)
    default:
      guard text.hasPrefix("smooth-l1:") else { return nil }
      let betaText = text.dropFirst("smooth-l1:".count)
      let parts = betaText.split(separator: "/", omittingEmptySubsequences: false)
      let beta: Float?
      if parts.count == 2, let numerator = Float(parts[0]), let denominator = Float(parts[1]),
        denominator != 0
      {
        beta = numerator / denominator
      } else {
        beta = parts.count == 1 ? Float(parts[0]) : nil
      }
      guard let beta, beta > 0, beta.isFinite else { return nil }
      self = .smoothL1(beta: beta)
    }
  }

  static func format(_ value: Float) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.3g", Double(value))
  }
}

extension BoxRegressionLoss {
  /// Checks smooth L1's β (finite and positive) as read from `config.json`.
  func validate(_ check: ConfigurationCheck) throws {
    if case .smoothL1(let beta) = self {
      try check.number("boxLoss.smoothL1.beta", Double(beta), in: 1e-6...1e6)
    }
  }
}
