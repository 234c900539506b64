import Boxes
import Testing

@testable import Proposals

@Suite struct MergeHierarchyTests {
  @Test func mergesAppendUnionsAndPositionsCountFromTheTop() {
    var hierarchy = MergeHierarchy(
      leafBoxes: [
        Box(x1: 0, y1: 0, x2: 2, y2: 2), Box(x1: 2, y1: 0, x2: 5, y2: 1),
        Box(x1: 0, y1: 2, x2: 5, y2: 4),
      ],
      leafSizes: [4, 3, 10])
    let first = hierarchy.merge(0, 1)
    let root = hierarchy.merge(2, first)
    #expect(first == 3 && root == 4)
    #expect(hierarchy.boxes[3] == Box(x1: 0, y1: 0, x2: 5, y2: 2))
    #expect(hierarchy.boxes[4] == Box(x1: 0, y1: 0, x2: 5, y2: 4))
    #expect(hierarchy.sizes[4] == 17)
    #expect(hierarchy.left[4] == 2 && hierarchy.right[4] == 3)
    #expect(hierarchy.parent[0] == 3 && hierarchy.parent[3] == 4 && hierarchy.parent[4] == -1)
    #expect((0..<5).map { hierarchy.position(of: $0) } == [5, 4, 3, 2, 1])
    #if REGIONKIT_INTERNAL_CHECKS
      hierarchy.checkInvariants()
    #endif
  }
}
