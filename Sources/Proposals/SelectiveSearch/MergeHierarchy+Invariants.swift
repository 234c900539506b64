#if REGIONKIT_INTERNAL_CHECKS
  extension MergeHierarchy {
    /// Checks the tree: every merged node has two distinct, earlier children whose parent
    /// it is; its size is their sum and its box their union; leaves have no children; and
    /// each node has at most one parent.
    func checkInvariants() {
      precondition(
        left.count == count && right.count == count && parent.count == count
          && sizes.count == count,
        "MergeHierarchy: column lengths differ")
      for node in 0..<count {
        if node < leafCount {
          precondition(
            left[node] == -1 && right[node] == -1, "MergeHierarchy: leaf \(node) has children")
          precondition(sizes[node] >= 1, "MergeHierarchy: leaf \(node) is empty")
        } else {
          let a = Int(left[node]), b = Int(right[node])
          precondition(
            a >= 0 && b >= 0 && a != b && a < node && b < node,
            "MergeHierarchy: node \(node) has children \(a), \(b)")
          precondition(
            Int(parent[a]) == node && Int(parent[b]) == node,
            "MergeHierarchy: children of \(node) do not name it as parent")
          precondition(
            sizes[node] == sizes[a] + sizes[b],
            "MergeHierarchy: size of \(node) is not its children's sum")
          let box = boxes[node], boxA = boxes[a], boxB = boxes[b]
          precondition(
            box.x1 == min(boxA.x1, boxB.x1) && box.y1 == min(boxA.y1, boxB.y1)
              && box.x2 == max(boxA.x2, boxB.x2) && box.y2 == max(boxA.y2, boxB.y2),
            "MergeHierarchy: box of \(node) is not its children's union")
        }
        if parent[node] >= 0 {
          precondition(Int(parent[node]) > node, "MergeHierarchy: parent of \(node) is not later")
        }
      }
    }
  }
#endif
