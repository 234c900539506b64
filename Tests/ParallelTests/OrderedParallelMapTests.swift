import Parallel
import Testing

@Suite struct OrderedParallelMapTests {
  struct Failure: Error, Equatable { let index: Int }

  @Test(arguments: [1, 2, 3, 16])
  func keepsIndexOrderForAnyThreadCount(threads: Int) throws {
    let squares = try orderedParallelMap(count: 50, threads: threads) { $0 * $0 }
    #expect(squares == (0..<50).map { $0 * $0 })
    #expect(try orderedParallelMap(count: 0, threads: threads) { $0 }.isEmpty)
  }

  @Test func rethrowsAJobsError() {
    #expect(throws: Failure(index: 7)) {
      _ = try orderedParallelMap(count: 20, threads: 2) { index -> Int in
        if index == 7 { throw Failure(index: 7) }
        return index
      }
    }
  }
}
