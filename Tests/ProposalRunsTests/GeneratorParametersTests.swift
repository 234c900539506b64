import Foundation
import Testing

@testable import ProposalRuns

@Suite struct GeneratorParametersTests {
  struct Inner { var threads: Int; var k: Float }
  struct Outer {
    var name: String
    var inner: Inner
    var tags: Set<String>
    var weights: [Float]
    var limit: Int?
    var threads: Int
  }
  final class Node {
    var value = 1
    var next: Node?
  }
  struct Described: CustomStringConvertible {
    var description: String { "described" }
  }

  @Test func writesFieldsLikeReflectionWithoutExcludedLabels() {
    let value = Outer(
      name: "x", inner: Inner(threads: 8, k: 0.5), tags: ["b", "a", "c"], weights: [1, 2],
      limit: nil, threads: 3)
    let text = GeneratorParameters.describe(value, excluding: ["threads"])
    #expect(
      text == "ProposalRunsTests.GeneratorParametersTests.Outer(name: \"x\", "
        + "inner: ProposalRunsTests.GeneratorParametersTests.Inner(k: 0.5), "
        + "tags: [\"a\", \"b\", \"c\"], weights: [1.0, 2.0], limit: nil)")
    #expect(GeneratorParameters.describe(value, excluding: []).contains("threads: 3"))
  }

  @Test func setsAreSortedWhateverTheirOrder() {
    var small: Set<Int> = []
    var large: Set<Int> = []
    large.reserveCapacity(1000)
    for value in [5, 1, 9, 3] { small.insert(value) }
    for value in [3, 9, 1, 5] { large.insert(value) }
    #expect(
      GeneratorParameters.describe(small, excluding: [])
        == GeneratorParameters.describe(large, excluding: []))
    #expect(GeneratorParameters.describe(small, excluding: []) == "[1, 3, 5, 9]")
  }

  @Test func longArraysAreACountAndAHashThatFollowsEveryValue() {
    var weights = [Float](repeating: 0.25, count: 10_000)
    let before = GeneratorParameters.describe(weights, excluding: [])
    #expect(before.hasPrefix("[10000 elements, FNV-1a 64 "), "\(before)")
    weights[9_999] = 0.5
    #expect(GeneratorParameters.describe(weights, excluding: []) != before)
    let strings = (0..<100).map { "s\($0)" }
    #expect(GeneratorParameters.describe(strings, excluding: []).hasPrefix("[100 elements, "))
  }

  @Test func ownDescriptionsAreKeptAndCyclesEnd() {
    #expect(GeneratorParameters.describe([Described()], excluding: []) == "[described]")
    let node = Node()
    node.next = node
    let text = GeneratorParameters.describe(node, excluding: [])
    #expect(text.contains("value: 1") && text.contains("<cycle>"), "\(text)")
  }
}
