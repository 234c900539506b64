/// The mean or summed squared difference `(input - target)²` (PyTorch's `F.mse_loss`).
///
///     let loss = mseLoss(prediction, target)
///
/// - Parameters:
///   - input: predictions, any shape.
///   - target: same shape as `input`.
///   - reduction: Default: `.mean` (divides by the element count).
/// - Returns: the value and dLoss/dInput (`2 * (input - target)`, scaled by the reduction).
/// Checked against PyTorch (goldens `losses.json`).
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Loss {
  regressionLoss(input, target, reduction: reduction, name: "mseLoss") { difference in
    (difference * difference, 2 * difference)
  }
}
