import Synchronization

/// The execution plans a model made recently, by input shapes and requested tensors.
///
/// Planning prepares every kernel (Winograd-transformed weights, folded shape arithmetic),
/// which costs a few milliseconds on a ResNet; a model run again on the same shapes reuses
/// its plan. At most ``capacity`` plans are kept, the least recently used dropped first (a
/// batched run keeps two: the batch's and one item's).
final class PlanCache: Sendable {
  struct Key: Hashable, Sendable {
    var inputShapes: [String: [Int]]
    var outputs: [String]
  }

  /// Plans kept. Default: 4.
  let capacity: Int
  private let entries = Mutex<[(key: Key, plan: ExecutionPlan)]>([])

  init(capacity: Int = 4) {
    self.capacity = capacity
  }

  /// The cached plan for `key`, or the one `make` builds (then cached).
  func plan(for key: Key, _ make: () throws -> ExecutionPlan) throws -> ExecutionPlan {
    if let hit = entries.withLock({ entries -> ExecutionPlan? in
      guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
      let entry = entries.remove(at: index)
      entries.append(entry)
      return entry.plan
    }) {
      return hit
    }
    let plan = try make()
    entries.withLock { entries in
      entries.removeAll { $0.key == key }
      entries.append((key, plan))
      if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }
    return plan
  }
}
