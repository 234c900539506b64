import Testing

@testable import Segmentation

@Suite struct LargeBufferTests {
  /// Small (allocator) and large (huge-page mapping, recycled through the pool) buffers hold
  /// what is written, and released mappings serve later requests of at most their size.
  @Test func holdsValuesAcrossSizesAndReuse() {
    for count in [0, 1, 1000, 300_000, 1 << 20, 3 << 20] {
      for round in 0..<3 {
        let buffer = LargeBuffer<UInt32>(uninitializedCount: count)
        #expect(buffer.count == count)
        for i in stride(from: 0, to: count, by: 997) { buffer.base[i] = UInt32(i ^ round) }
        for i in stride(from: 0, to: count, by: 997) {
          #expect(buffer[i] == UInt32(i ^ round))
        }
      }
    }
    // Two live buffers never share storage, whether pooled or new.
    let a = LargeBuffer<UInt64>(uninitializedCount: 1 << 19)
    let b = LargeBuffer<UInt64>(uninitializedCount: 1 << 19)
    a.buffer.initialize(repeating: 1)
    b.buffer.initialize(repeating: 2)
    #expect(a.allSatisfy { $0 == 1 } && b.allSatisfy { $0 == 2 })
  }
}
