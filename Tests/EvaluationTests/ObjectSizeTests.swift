import Evaluation
import Testing

@Suite struct ObjectSizeTests {
  @Test func sizeClassesAreHalfOpen() {
    #expect(ObjectSize(area: 0) == .small)
    #expect(ObjectSize(area: 1023.9) == .small)
    #expect(ObjectSize(area: 1024) == .medium)
    #expect(ObjectSize(area: 9215) == .medium)
    #expect(ObjectSize(area: 9216) == .large)
  }
}
