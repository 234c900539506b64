import NeuralNet

extension Tensor {
  /// An NCHW tensor grown with zeros at the bottom and right until its height and width are
  /// at least `side`; the tensor itself when they already are.
  ///
  /// Zeros are the mean colour of a normalised image, and padding at the bottom and right
  /// keeps every pixel's coordinates, so boxes stay valid on the features.
  func paddedBottomRight(toAtLeast side: Int) -> Tensor {
    paddedBottomRight(toHeight: side, width: side)
  }

  /// An NCHW tensor grown with zeros at the bottom and right until it is at least `newHeight`
  /// high and `newWidth` wide; the tensor itself when it already is.
  func paddedBottomRight(toHeight newHeight: Int, width newWidth: Int) -> Tensor {
    guard rank == 4, shape[2] < newHeight || shape[3] < newWidth else { return self }
    let (height, width) = (shape[2], shape[3])
    let (paddedHeight, paddedWidth) = (Swift.max(height, newHeight), Swift.max(width, newWidth))
    var result = Tensor(zeros: [shape[0], shape[1], paddedHeight, paddedWidth])
    for plane in 0..<(shape[0] * shape[1]) {
      for y in 0..<height {
        let from = (plane * height + y) * width, to = (plane * paddedHeight + y) * paddedWidth
        result.data[to..<(to + width)] = data[from..<(from + width)]
      }
    }
    return result
  }
}
