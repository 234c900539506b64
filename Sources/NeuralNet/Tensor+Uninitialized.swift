extension Tensor {
  /// A tensor whose values `initializer` must write completely (skips the zero fill).
  init(shape: [Int], initializingWith initializer: (UnsafeMutablePointer<Float>) -> Void) {
    let count = shape.reduce(1, *)
    let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 { initializer(buffer.baseAddress!) }
      initialized = count
    }
    self.init(shape: shape, data: data)
  }
}
