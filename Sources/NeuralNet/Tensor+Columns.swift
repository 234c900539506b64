extension Tensor {
  /// The columns of a `[rows, a + b]` matrix split into `[rows, a]` and `[rows, b]` at
  /// column `a`: how a model with two heads side by side (class logits, box outputs) hands
  /// each head its part of one output or one gradient.
  ///
  ///     let (logits, boxes) = output.splittingColumns(at: classes)
  ///
  /// - Precondition: rank 2 and `0 <= a <= shape[1]`.
  /// - Complexity: O(*rows* · *columns*).
  public func splittingColumns(at a: Int) -> (Tensor, Tensor) {
    precondition(
      rank == 2 && a >= 0 && a <= shape[1], "Tensor.splittingColumns(at: \(a)): shape \(shape)")
    let rows = shape[0], width = shape[1], b = width - a
    var left = Tensor(zeros: [rows, a]), right = Tensor(zeros: [rows, b])
    for row in 0..<rows {
      for j in 0..<a { left.data[row * a + j] = data[row * width + j] }
      for j in 0..<b { right.data[row * b + j] = data[row * width + a + j] }
    }
    return (left, right)
  }

  /// `[rows, a]` and `[rows, b]` matrices side by side as one `[rows, a + b]` matrix; the
  /// inverse of ``splittingColumns(at:)``.
  ///
  /// - Precondition: both rank 2 with the same number of rows.
  /// - Complexity: O(*rows* · (*a* + *b*)).
  public init(concatenatingColumnsOf left: Tensor, _ right: Tensor) {
    precondition(
      left.rank == 2 && right.rank == 2 && left.shape[0] == right.shape[0],
      "Tensor(concatenatingColumnsOf:): shapes \(left.shape) and \(right.shape)")
    let rows = left.shape[0], a = left.shape[1], b = right.shape[1], width = a + b
    self.init(zeros: [rows, width])
    for row in 0..<rows {
      for j in 0..<a { data[row * width + j] = left.data[row * a + j] }
      for j in 0..<b { data[row * width + a + j] = right.data[row * b + j] }
    }
  }
}
