/// `Box` encodes as the 4-element array `[x1, y1, x2, y2]`, the layout of RegionKit's JSON Lines
/// proposals and of torchvision's `Tensor[N, 4]` rows.
///
///     let data = try JSONEncoder().encode([Box(x1: 1, y1: 2, x2: 3, y2: 4)])  // [[1,2,3,4]]
///     let boxes = try JSONDecoder().decode([Box].self, from: data)
///
/// Decoding throws `DecodingError.dataCorrupted` when the array does not hold exactly four
/// numbers. Non-finite coordinates are passed to the encoder unchanged, so `JSONEncoder` rejects
/// them unless its `nonConformingFloatEncodingStrategy` says otherwise.
extension Box: Codable {
  /// Creates a box from an array `[x1, y1, x2, y2]`.
  ///
  /// - Parameter decoder: The decoder to read from.
  /// - Throws: `DecodingError.dataCorrupted` when the array has fewer or more than 4 elements,
  ///   or the decoder's error when an element is not a number.
  public init(from decoder: any Decoder) throws {
    var container = try decoder.unkeyedContainer()
    if let count = container.count, count != 4 {
      throw DecodingError.dataCorruptedError(
        in: container,
        debugDescription: "a box is [x1, y1, x2, y2] with 4 numbers, found \(count) elements")
    }
    var corners: [Float] = []
    corners.reserveCapacity(4)
    while !container.isAtEnd && corners.count < 4 {
      corners.append(try container.decode(Float.self))
    }
    guard corners.count == 4, container.isAtEnd else {
      throw DecodingError.dataCorruptedError(
        in: container,
        debugDescription: "a box is [x1, y1, x2, y2] with 4 numbers, found \(corners.count)"
          + (container.isAtEnd ? "" : " or more") + " elements")
    }
    self.init(x1: corners[0], y1: corners[1], x2: corners[2], y2: corners[3])
  }

  /// Writes the box as the array `[x1, y1, x2, y2]`.
  ///
  /// - Parameter encoder: The encoder to write to.
  /// - Throws: The encoder's error, e.g. for a non-finite coordinate with `JSONEncoder`'s
  ///   default strategy.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    try container.encode(x1)
    try container.encode(y1)
    try container.encode(x2)
    try container.encode(y2)
  }
}
