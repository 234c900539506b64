import Boxes

/// The tree that selective search's hierarchical grouping builds: the initial regions are
/// the leaves `0..<leafCount`, and every merge appends a node whose children are two
/// earlier nodes.
///
/// Node `i` records its bounding box, its size in pixels and its children; a node's box is
/// the union of its children's boxes and its size their sum. Nodes are stored in creation
/// order, so the paper's ranking position (1 for the last merge, the root) is
/// `count - i`. A connected segmentation gives one root; `MergeHierarchy+Invariants.swift`
/// checks the structure when `REGIONKIT_INTERNAL_CHECKS` is defined.
struct MergeHierarchy: Sendable {
  /// Number of initial regions.
  let leafCount: Int
  /// Bounding box of each node, pixel-edge coordinates.
  private(set) var boxes: [Box]
  /// Pixel count of each node.
  private(set) var sizes: [Int]
  /// Children of each merged node (`-1` for leaves).
  private(set) var left: [Int32]
  private(set) var right: [Int32]
  /// Parent of each node (`-1` for roots).
  private(set) var parent: [Int32]

  /// Starts a hierarchy with one leaf per initial region.
  init(leafBoxes: [Box], leafSizes: [Int]) {
    precondition(
      leafBoxes.count == leafSizes.count,
      "MergeHierarchy: \(leafBoxes.count) boxes, \(leafSizes.count) sizes")
    leafCount = leafBoxes.count
    let capacity = max(2 * leafCount - 1, 0)
    boxes = leafBoxes
    boxes.reserveCapacity(capacity)
    sizes = leafSizes
    sizes.reserveCapacity(capacity)
    left = [Int32](repeating: -1, count: leafCount)
    left.reserveCapacity(capacity)
    right = left
    right.reserveCapacity(capacity)
    parent = left
    parent.reserveCapacity(capacity)
  }

  /// Number of nodes (leaves and merges).
  var count: Int { boxes.count }

  /// Appends the union of nodes `a` and `b`, both roots so far, and returns its index.
  @discardableResult
  mutating func merge(_ a: Int, _ b: Int) -> Int {
    precondition(
      a != b && parent[a] < 0 && parent[b] < 0, "MergeHierarchy: nodes \(a), \(b) are not two roots"
    )
    let node = boxes.count
    let boxA = boxes[a], boxB = boxes[b]
    boxes.append(
      Box(
        x1: min(boxA.x1, boxB.x1), y1: min(boxA.y1, boxB.y1), x2: max(boxA.x2, boxB.x2),
        y2: max(boxA.y2, boxB.y2)))
    sizes.append(sizes[a] + sizes[b])
    left.append(Int32(a))
    right.append(Int32(b))
    parent.append(-1)
    parent[a] = Int32(node)
    parent[b] = Int32(node)
    return node
  }

  /// The paper's position of node `i` in the hierarchy: 1 for the node created last.
  func position(of node: Int) -> Int { count - node }

  /// Each node's level, OpenCV's ranking weight: 1 for leaves, one more than the higher of
  /// its children for merged nodes.
  func levels() -> [Int] {
    var levels = [Int](repeating: 1, count: count)
    for node in leafCount..<count {
      levels[node] = max(levels[Int(left[node])], levels[Int(right[node])]) + 1
    }
    return levels
  }
}
