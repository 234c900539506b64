/// The mean or summed absolute difference `|input - target|` (PyTorch's `F.l1_loss`).
///
/// The gradient is `sign(input - target)`, 0 where they are equal.
///
///     let loss = l1Loss(deltas, targets, reduction: .sum)
///
/// - Parameters:
///   - input: predictions, any shape.
///   - target: same shape as `input`.
///   - reduction: Default: `.mean` (divides by the element count).
/// - Returns: the value and dLoss/dInput.
/// Checked against PyTorch (goldens `losses.json`).
public func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Loss {
  regressionLoss(input, target, reduction: reduction, name: "l1Loss") { difference in
    (abs(difference), difference > 0 ? 1 : (difference < 0 ? -1 : 0))
  }
}
