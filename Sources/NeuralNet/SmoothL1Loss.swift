/// The Huber-like smooth L1 loss of Fast R-CNN (Girshick 2015; PyTorch's `F.smooth_l1_loss`).
///
/// For `d = input - target`: `0.5 * d² / beta` when `|d| < beta`, else `|d| - 0.5 * beta`.
/// Fast R-CNN uses `beta = 1`, torchvision's box heads `beta = 1/9`.
///
///     let loss = smoothL1Loss(deltas, targets, beta: 1.0 / 9, reduction: .sum)
///
/// - Parameters:
///   - input: predictions, any shape.
///   - target: same shape as `input`.
///   - beta: the switch point between quadratic and linear, > 0. Default: 1.
///   - reduction: Default: `.mean` (divides by the element count).
/// - Returns: the value and dLoss/dInput (`d / beta` or `sign(d)`, 0 at `d == 0`).
/// Checked against PyTorch (goldens `losses.json`).
public func smoothL1Loss(
  _ input: Tensor, _ target: Tensor, beta: Float = 1, reduction: Reduction = .mean
) -> Loss {
  precondition(beta > 0, "smoothL1Loss: beta \(beta) <= 0")
  return regressionLoss(input, target, reduction: reduction, name: "smoothL1Loss") { difference in
    let magnitude = abs(difference)
    if magnitude < beta { return (0.5 * difference * difference / beta, difference / beta) }
    return (magnitude - 0.5 * beta, difference > 0 ? 1 : -1)
  }
}
