import Dispatch
import Parallel
import Testing

@Suite struct ResultSlotsTests {
  struct Failure: Error {}

  @Test func takeReturnsWhatPutStored() throws {
    let slots = ResultSlots<Int>(readers: [1, 2])
    slots.put(1) { 7 }
    slots.put(0) { 3 }
    #expect(try slots.take(0) == 3 && slots.take(1) == 7 && slots.take(1) == 7)
  }

  @Test func takeWaitsForAProducerOnAnotherThread() throws {
    let slots = ResultSlots<[Int]>(readers: [1])
    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) {
      slots.put(0) { Array(0..<5) }
    }
    #expect(try slots.take(0) == [0, 1, 2, 3, 4])
  }

  @Test func takeRethrowsTheProducersError() {
    let slots = ResultSlots<Int>(readers: [1])
    slots.put(0) { throw Failure() }
    #expect(throws: Failure.self) { try slots.take(0) }
  }
}

@Suite struct ResultSlotsReadersTests {
  @Test func theLastReaderWaitsForTheProducerAndGetsTheValue() throws {
    let slots = ResultSlots<[Int]>(readers: [1, 2])
    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) {
      slots.put(1) { [4, 5] }
    }
    #expect(try slots.take(1) == [4, 5])
    #expect(try slots.take(1) == [4, 5])
  }

  @Test func theLastReaderFreesTheValue() throws {
    final class Tracked: Sendable {}
    weak var tracked: Tracked?
    let slots = ResultSlots<Tracked>(readers: [2])
    do {
      let value = Tracked()
      tracked = value
      slots.put(0) { value }
    }
    _ = try slots.take(0)
    #expect(tracked != nil)
    _ = try slots.take(0)
    #expect(tracked == nil)
  }

  @Test func readersGetTheProducersError() {
    let slots = ResultSlots<Int>(readers: [1])
    slots.put(0) { throw ResultSlotsTests.Failure() }
    #expect(throws: ResultSlotsTests.Failure.self) { try slots.take(0) }
  }
}
