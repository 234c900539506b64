import Edges
import Testing

@testable import Proposals

/// The stages of ``EdgeGroups``' initialiser, each on a hand-made input.
@Suite struct EdgeGroupsTests {
  @Test func tangentsArePerpendicularToTheGradientModuloPi() {
    let map = EdgeMap(
      width: 4, height: 1, strength: [1, 1, 1, 1],
      orientation: [0, Float.pi / 2, -Float.pi / 2, Float.pi])
    let tangent = EdgeGroups.tangents(of: map)
    #expect(tangent.allSatisfy { $0 >= 0 && $0 < Float.pi })
    #expect(abs(tangent[0] - Float.pi / 2) < 1e-6)
    #expect(tangent[1] < 1e-6 || Float.pi - tangent[1] < 1e-6)
    #expect(abs(tangent[3] - Float.pi / 2) < 1e-6)
  }

  @Test func theImageBorderIsNeverAnEdge() {
    let map = EdgeMap(
      width: 4, height: 3, strength: [Float](repeating: 1, count: 12),
      orientation: [Float](repeating: 0, count: 12))
    let isEdge = EdgeGroups.edgePixels(of: map, above: 0.5)
    #expect(isEdge.indices.filter { isEdge[$0] } == [5, 6])
    #expect(!EdgeGroups.edgePixels(of: map, above: 1).contains(true))
  }

  @Test func growthStopsWhenTheTurnsAddUpToTheThreshold() {
    // One row of edge pixels whose tangent turns by 0.5 rad at each step.
    let w = 7
    let isEdge = (0..<(3 * w)).map { $0 / w == 1 && $0 % w > 0 && $0 % w < w - 1 }
    let tangent = (0..<(3 * w)).map { Float($0 % w) * 0.5 }
    let (ids, count) = EdgeGroups.grow(
      isEdge, tangent: tangent, width: w, height: 3, mergeThreshold: 1.2)
    // Turns 0.5 + 0.5 fit under 1.2; the third would not: three pixels, then two.
    #expect(count == 2)
    #expect(Array(ids[(w + 1)..<(2 * w - 1)]) == [0, 0, 0, 1, 1])
    #expect(ids[0..<w].allSatisfy { $0 < 0 })
  }

  @Test func weakGroupsJoinTheClosestOrientationOrAreDropped() {
    // Groups in one row: 0 and 2 strong, 1 weak between them (closer in orientation to 2),
    // 3 weak and alone.
    let ids: [Int32] = [0, 0, 1, 2, 2, -1, -1, 3]
    let strength: [Float] = [1, 1, 0.1, 1, 1, 0, 0, 0.1]
    let tangent: [Float] = [0, 0, 1.2, 1.5, 1.5, 0, 0, 0.3]
    let roots = EdgeGroups.mergeWeakGroups(
      ids: ids, groupCount: 4, strength: strength, tangent: tangent, width: 8, height: 1,
      clusterMinMagnitude: 0.5)
    #expect(roots == [0, 2, 2, -1])
    var relabelled = ids
    let representative = EdgeGroups.relabel(&relabelled, roots: roots, width: 8)
    #expect(relabelled == [0, 0, 1, 1, 1, -1, -1, -1])
    #expect(representative.map(\.x) == [0, 2] && representative.map(\.y) == [0, 0])
  }
}
